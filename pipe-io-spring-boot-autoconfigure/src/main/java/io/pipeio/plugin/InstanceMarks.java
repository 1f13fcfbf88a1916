package io.pipeio.plugin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Finds the processes of one launch of a plug-in by a mark in their environment,
 * {@value #VARIABLE}, which every process it starts inherits. A process whose parent
 * exited belongs to the system's first process and can no longer be found from the
 * plug-in, yet it still holds the plug-in's stdout, the channel's in pipe: what it writes
 * there after the plug-in was restarted would answer the next instance's requests. Read
 * from {@code /proc} on Linux, for the processes of this user; nothing is found where
 * that cannot be read, nor a process that cleared its environment (each such process
 * started since the JVM makes a scan look again for up to 0.1 s, as one in the middle of
 * starting a program looks the same for a moment).
 *
 * @author pipe-io
 */
final class InstanceMarks {

	/** The variable that marks a launch's processes. */
	static final String VARIABLE = "PIPE_IO_INSTANCE";

	private static final Path PROC = Path.of("/proc");

	/**
	 * How many times a scan looks again at processes whose environment read empty, each
	 * after {@link #EMPTY_ENVIRONMENT_PAUSE_MILLIS}: 0.1 s in all, the most a scan waits
	 * for a process that cleared its environment.
	 */
	private static final int EMPTY_ENVIRONMENT_LOOKS = 20;

	private static final long EMPTY_ENVIRONMENT_PAUSE_MILLIS = 5;

	/** When this JVM started, read as a process's start is: from {@code /proc}. */
	private static final Optional<Instant> JVM_STARTED = ProcessHandle.current().info().startInstant();

	private InstanceMarks() {
	}

	/**
	 * @return a mark for a new launch
	 */
	static String newMark() {
		return UUID.randomUUID().toString();
	}

	/**
	 * Find the running processes that carry a mark, this JVM aside.
	 * @param mark the launch's mark
	 * @return their handles, each checked to carry the mark once taken, so that a process
	 * id used again meanwhile is not among them
	 */
	static Set<ProcessHandle> find(String mark) {
		return find(mark, InstanceMarks::pause);
	}

	/**
	 * Find the running processes that carry a mark, as {@link #find(String)} does.
	 * @param mark the launch's mark
	 * @param pause waits a moment before processes whose environment read empty are read
	 * again
	 * @return their handles
	 */
	static Set<ProcessHandle> find(String mark, Runnable pause) {
		byte[] entry = (VARIABLE + "=" + mark).getBytes(StandardCharsets.UTF_8);
		long self = ProcessHandle.current().pid();
		Set<ProcessHandle> found = new LinkedHashSet<>();
		List<Path> unread = new ArrayList<>();
		try (DirectoryStream<Path> processes = Files.newDirectoryStream(PROC, "[0-9]*")) {
			for (Path process : processes) {
				long pid = pid(process);
				if (pid > 0 && pid != self && look(process, entry, found) == Look.EMPTY && mayBeStarting(process)
						&& startedWithThisJvm(pid)) {
					unread.add(process);
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// no /proc here, or it cannot be listed: nothing can be found
		}
		// A process in the middle of starting a program (a worker the plug-in started in
		// the background just before it exited) shows an empty environment for a moment,
		// between the old program's memory and the new one's: looked at again, as it is
		// the very process this scan is for. One that cleared its environment stays
		// empty.
		for (int attempt = 0; !unread.isEmpty() && attempt < EMPTY_ENVIRONMENT_LOOKS; attempt++) {
			pause.run();
			unread.removeIf((process) -> look(process, entry, found) != Look.EMPTY);
		}
		return found;
	}

	/**
	 * Look at a process's environment, adding the process to those found if it carries
	 * the entry.
	 */
	private static Look look(Path process, byte[] entry, Set<ProcessHandle> found) {
		Look look = carries(process, entry);
		if (look != Look.MARKED) {
			return look;
		}
		// A handle stands for the process that started at its start time: marked still
		// once taken, it is that process, not one that got its id since.
		Optional<ProcessHandle> handle = ProcessHandle.of(pid(process));
		if (handle.isPresent() && carries(process, entry) == Look.MARKED) {
			found.add(handle.get());
		}
		return look;
	}

	/**
	 * Whether a process with an empty environment may be one starting a program: not a
	 * kernel thread ({@code PF_KTHREAD} in its flags), nor a process that exited and
	 * waits to be reaped (a zombie has no environment either).
	 */
	private static boolean mayBeStarting(Path process) {
		return ProcStat.read(pid(process)).filter((stat) -> !stat.isKernelThread() && !stat.hasExited()).isPresent();
	}

	/**
	 * Whether a process may have started since this JVM did: one older than it is no
	 * plug-in's (a system's first process that has no environment, say), and is not
	 * waited for.
	 */
	private static boolean startedWithThisJvm(long pid) {
		Optional<Instant> started = ProcessHandle.of(pid).flatMap((handle) -> handle.info().startInstant());
		return started.isEmpty() || JVM_STARTED.isEmpty() || !started.get().isBefore(JVM_STARTED.get());
	}

	private static void pause() {
		try {
			Thread.sleep(EMPTY_ENVIRONMENT_PAUSE_MILLIS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static long pid(Path process) {
		try {
			return Long.parseLong(process.getFileName().toString());
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

	/** Whether the process's environment holds the entry, as a whole entry. */
	private static Look carries(Path process, byte[] entry) {
		byte[] environment;
		try {
			environment = Files.readAllBytes(process.resolve("environ"));
		}
		catch (IOException | RuntimeException ex) {
			// gone, or another user's
			return Look.UNMARKED;
		}
		if (environment.length == 0) {
			return Look.EMPTY;
		}
		int start = 0;
		while (start < environment.length) {
			int end = start;
			while (end < environment.length && environment[end] != 0) {
				end++;
			}
			if (Arrays.equals(environment, start, end, entry, 0, entry.length)) {
				return Look.MARKED;
			}
			start = end + 1;
		}
		return Look.UNMARKED;
	}

	/** What a look at a process's environment found. */
	private enum Look {

		MARKED, UNMARKED, EMPTY

	}

}
