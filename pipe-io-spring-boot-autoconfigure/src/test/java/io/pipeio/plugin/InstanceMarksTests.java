package io.pipeio.plugin;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link InstanceMarks} finds a launch's processes by their environment, also one caught
 * in the middle of starting a program, whose environment reads empty for a moment.
 */
@Timeout(60)
class InstanceMarksTests {

	private final String mark = InstanceMarks.newMark();

	private Process process;

	@AfterEach
	void kill() {
		if (this.process != null) {
			this.process.descendants().forEach(ProcessHandle::destroyForcibly);
			this.process.destroyForcibly();
		}
	}

	@Test
	void aProcessWhoseEnvironmentReadsEmptyIsLookedAtAgainAndFoundOnceItCarriesTheMark() throws Exception {
		// Its environment is empty until it reads a line; then it runs a program that
		// carries the mark, as a worker started in the background becomes one.
		this.process = emptyEnvironment(
				"read line; exec /usr/bin/env " + InstanceMarks.VARIABLE + "=" + this.mark + " /bin/sleep 1000");
		awaitEnvironment(String::isEmpty);
		AtomicInteger pauses = new AtomicInteger();
		assertThat(InstanceMarks.find(this.mark, () -> {
			if (pauses.getAndIncrement() == 0) {
				// the program starts between the scan and its second look
				writeLine(this.process.getOutputStream());
				awaitEnvironment(
						(environment) -> environment.contains(InstanceMarks.VARIABLE + "=" + this.mark + "\0"));
			}
		})).containsExactly(this.process.toHandle());
		assertThat(pauses).hasValue(1);
	}

	@Test
	void aProcessThatClearedItsEnvironmentIsNotFoundAndTheScanEnds() throws Exception {
		this.process = emptyEnvironment("read line");
		awaitEnvironment(String::isEmpty);
		AtomicInteger pauses = new AtomicInteger();
		assertThat(InstanceMarks.find(this.mark, pauses::incrementAndGet)).isEmpty();
		assertThat(pauses).hasValue(20);
	}

	/**
	 * A shell with an empty environment, the marked or not: as {@code env -i} leaves it.
	 */
	private static Process emptyEnvironment(String script) throws IOException {
		ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", script);
		builder.environment().clear();
		return builder.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.redirectError(ProcessBuilder.Redirect.DISCARD)
			.start();
	}

	private void awaitEnvironment(Predicate<String> expected) {
		Path environ = Path.of("/proc", Long.toString(this.process.pid()), "environ");
		await().atMost(Duration.ofSeconds(20))
			.until(() -> expected.test(new String(Files.readAllBytes(environ), StandardCharsets.UTF_8)));
	}

	private static void writeLine(OutputStream stdin) {
		try {
			stdin.write('\n');
			stdin.flush();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
