package io.pipeio.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link WatchedPipeChecks}: which pipe checks the events of real directories make due,
 * and which are left to a sweep. The kernel queues an event before the call that caused
 * it returns, so each is asserted right after the change.
 */
class WatchedPipeChecksTests {

	@TempDir
	Path dir;

	private final Map<PipeWatchdog.PipeCheck, List<Path>> registered = new LinkedHashMap<>();

	private final PipeWatchdog.PipeCheck echo = (paths) -> {
	};

	private final PipeWatchdog.PipeCheck calc = (paths) -> {
	};

	private WatchedPipeChecks checks;

	@BeforeEach
	void watch() throws Exception {
		DirectoryEvents events = DirectoryEvents.open();
		assertThat(events).as("inotify on this Linux host").isNotNull();
		this.checks = new WatchedPipeChecks(events);
		for (String name : List.of("echo.in", "echo.out", "calc.in", "calc.out")) {
			TestPipes.mkfifo(this.dir.resolve(name));
		}
		this.registered.put(this.echo, List.of(this.dir.resolve("echo.in"), this.dir.resolve("echo.out")));
		this.registered.put(this.calc, List.of(this.dir.resolve("calc.in"), this.dir.resolve("calc.out")));
		this.checks.update(this.registered);
	}

	@AfterEach
	void close() {
		this.checks.close();
	}

	@Test
	void newChecksAreDueOnceAndThenOnlyWhenAnEntryOfTheirPipesNamesChanges() throws Exception {
		assertThat(this.checks.due()).containsExactly(this.echo, this.calc);
		assertThat(this.checks.watched()).containsExactly(this.echo, this.calc);
		assertThat(this.checks.unwatched()).isEmpty();
		assertThat(this.checks.due()).isEmpty();
		Files.writeString(this.dir.resolve("unrelated.txt"), "a file of no channel");
		Files.delete(this.dir.resolve("unrelated.txt"));
		assertThat(this.checks.due()).isEmpty();
		Files.delete(this.dir.resolve("echo.in"));
		assertThat(this.checks.due()).containsExactly(this.echo);
		TestPipes.mkfifo(this.dir.resolve("other"));
		Files.move(this.dir.resolve("other"), this.dir.resolve("calc.out"), StandardCopyOption.ATOMIC_MOVE,
				StandardCopyOption.REPLACE_EXISTING);
		assertThat(this.checks.due()).containsExactly(this.calc);
		Files.move(this.dir.resolve("echo.out"), this.dir.resolve("moved"), StandardCopyOption.ATOMIC_MOVE);
		assertThat(this.checks.due()).containsExactly(this.echo);
	}

	@Test
	void aCheckNoLongerRegisteredIsNeitherDueNorSwept() throws Exception {
		this.checks.due();
		this.registered.remove(this.echo);
		this.checks.update(this.registered);
		Files.delete(this.dir.resolve("echo.in"));
		Files.delete(this.dir.resolve("calc.in"));
		assertThat(this.checks.due()).containsExactly(this.calc);
		assertThat(this.checks.watched()).containsExactly(this.calc);
		this.registered.remove(this.calc);
		this.checks.update(this.registered);
		Files.delete(this.dir.resolve("calc.out"));
		assertThat(this.checks.due()).isEmpty();
		assertThat(this.checks.watched()).isEmpty();
	}

	@Test
	void theChecksOfADirectoryMovedAwayAreDueAndLookEveryTimeFromThen() throws Exception {
		this.checks.due();
		Files.move(this.dir, this.dir.resolveSibling(this.dir.getFileName() + "-moved"),
				StandardCopyOption.ATOMIC_MOVE);
		try {
			// what the directory tells from now on is about entries at other paths
			assertThat(this.checks.due()).containsExactlyInAnyOrder(this.echo, this.calc);
			assertThat(this.checks.unwatched()).containsExactlyInAnyOrder(this.echo, this.calc);
			assertThat(this.checks.watched()).isEmpty();
			Files.delete(this.dir.resolveSibling(this.dir.getFileName() + "-moved").resolve("echo.in"));
			assertThat(this.checks.due()).isEmpty();
		}
		finally {
			Files.move(this.dir.resolveSibling(this.dir.getFileName() + "-moved"), this.dir,
					StandardCopyOption.ATOMIC_MOVE);
		}
	}

	@Test
	void theChecksOfADeletedDirectoryAreDueAndLookEveryTimeFromThen() throws Exception {
		PipeWatchdog.PipeCheck lone = watchedInSubdirectory();
		deleteSubdirectory();
		assertThat(this.checks.due()).containsExactly(lone);
		assertThat(this.checks.unwatched()).containsExactly(lone);
		assertThat(this.checks.watched()).containsExactly(this.echo, this.calc);
	}

	@Test
	void afterLostEventsTheChecksOfADirectoryWhoseDeletionWasAmongThemLookEveryTime() throws Exception {
		PipeWatchdog.PipeCheck lone = watchedInSubdirectory();
		int queued = Integer
			.parseInt(Files.readAllLines(Path.of("/proc/sys/fs/inotify/max_queued_events")).get(0).trim());
		// More events of files of no channel than the queue holds: those of the
		// directory's deletion are lost.
		for (int i = 0; i <= queued / 2; i++) {
			Path file = Files.createFile(this.dir.resolve("file-" + i));
			Files.delete(file);
		}
		deleteSubdirectory();
		assertThat(this.checks.due()).containsExactlyInAnyOrder(this.echo, this.calc, lone);
		assertThat(this.checks.unwatched()).containsExactly(lone);
		assertThat(this.checks.watched()).containsExactly(this.echo, this.calc);
		Files.delete(this.dir.resolve("echo.in"));
		assertThat(this.checks.due()).as("the directory still watched tells again").containsExactly(this.echo);
	}

	@Test
	void aDirectoryDeletedAndMadeAgainGoesBackToEventsWhenWatchedAgain() throws Exception {
		PipeWatchdog.PipeCheck lone = watchedInSubdirectory();
		deleteSubdirectory();
		assertThat(this.checks.due()).containsExactly(lone);
		this.checks.watchAgain(this.registered);
		assertThat(this.checks.unwatched()).as("still no directory").containsExactly(lone);
		this.checks.due();
		Path sub = Files.createDirectory(this.dir.resolve("sub"));
		TestPipes.mkfifo(sub.resolve("lone.in"));
		this.checks.watchAgain(this.registered);
		assertThat(this.checks.watched()).contains(lone);
		assertThat(this.checks.unwatched()).isEmpty();
		assertThat(this.checks.due()).containsExactly(lone);
		Files.delete(sub.resolve("lone.in"));
		assertThat(this.checks.due()).containsExactly(lone);
	}

	/**
	 * Register a check of one pipe, made in a directory of its own, {@code sub}.
	 */
	private PipeWatchdog.PipeCheck watchedInSubdirectory() throws Exception {
		return watchedAlone(Files.createDirectory(this.dir.resolve("sub")).resolve("lone.in"));
	}

	/** Delete the pipe of {@link #watchedInSubdirectory()}, then its directory. */
	private void deleteSubdirectory() throws IOException {
		Path sub = this.dir.resolve("sub");
		Files.delete(sub.resolve("lone.in"));
		Files.delete(sub);
	}

	/**
	 * Register a check of one pipe, made at that path, and take in the new checks.
	 */
	private PipeWatchdog.PipeCheck watchedAlone(Path pipe) throws Exception {
		PipeWatchdog.PipeCheck lone = (paths) -> {
		};
		TestPipes.mkfifo(pipe);
		this.registered.put(lone, List.of(pipe));
		this.checks.update(this.registered);
		this.checks.due();
		return lone;
	}

	@Test
	void aDirectoryThatCannotBeWatchedLeavesItsChecksToLookEveryTime() {
		PipeWatchdog.PipeCheck nowhere = (paths) -> {
		};
		this.registered.put(nowhere, List.of(this.dir.resolve("missing").resolve("nowhere.in")));
		this.checks.update(this.registered);
		assertThat(this.checks.due()).contains(nowhere);
		assertThat(this.checks.unwatched()).containsExactly(nowhere);
	}

	@Test
	void withoutEventsEveryCheckLooksEveryTime() {
		try (WatchedPipeChecks unwatched = new WatchedPipeChecks(null)) {
			unwatched.update(this.registered);
			assertThat(unwatched.unwatched()).containsExactly(this.echo, this.calc);
			assertThat(unwatched.watched()).isEmpty();
		}
	}

}
