package io.pipeio.plugin;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ProcStat} reads what the plug-in host needs of {@code /proc/<pid>/stat}, also
 * for a command that holds spaces and parentheses.
 */
class ProcStatTests {

	@Test
	void aCommandWithSpacesAndParenthesesIsReadToTheLastParenthesis() {
		Optional<ProcStat> stat = ProcStat.parse("4242 (a) b (c)) S 1 4242 4242 0 -1 4194560 173 0 0 0\n");
		assertThat(stat).contains(new ProcStat("a) b (c)", 'S', 4194560));
		assertThat(stat.get().isKernelThread()).isFalse();
		assertThat(stat.get().hasExited()).isFalse();
	}

	@Test
	void aKernelThreadIsToldByItsFlags() {
		Optional<ProcStat> stat = ProcStat.parse("2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0\n");
		assertThat(stat.map(ProcStat::isKernelThread)).contains(true);
	}

	@Test
	void aZombieAndAProcessBeingReapedHaveExited() {
		assertThat(ProcStat.parse("7 (sh) Z 1 7 7 0 -1 4227084 0 0\n").map(ProcStat::hasExited)).contains(true);
		assertThat(ProcStat.parse("7 (sh) X 1 7 7 0 -1 4227084 0 0\n").map(ProcStat::hasExited)).contains(true);
	}

	@Test
	void whatIsNotAStatIsNotRead() {
		assertThat(ProcStat.parse("")).isEmpty();
		assertThat(ProcStat.parse("7 sh S 1 7 7 0 -1 0")).isEmpty();
		assertThat(ProcStat.parse("7 (sh) S 1 7")).isEmpty();
		assertThat(ProcStat.parse("7 (sh) S 1 7 7 0 -1 flags")).isEmpty();
		assertThat(ProcStat.parse("7 (sh) SR 1 7 7 0 -1 0")).isEmpty();
	}

	@Test
	void thisProcessIsReadAndAGoneOneIsNot() throws Exception {
		ProcStat self = ProcStat.read(ProcessHandle.current().pid()).orElseThrow();
		assertThat(self.command()).isEqualTo("java");
		assertThat(self.state()).isIn('R', 'S');
		assertThat(self.isKernelThread()).isFalse();
		Process gone = new ProcessBuilder("true").start();
		gone.waitFor();
		assertThat(ProcStat.read(gone.pid())).isEmpty();
	}

}
