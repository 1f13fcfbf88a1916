package io.pipeio.plugin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
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
 * that cannot be read.
 *
 * @author pipe-io
 */
final class InstanceMarks {

	/** The variable that marks a launch's processes. */
	static final String VARIABLE = "PIPE_IO_INSTANCE";

	private static final Path PROC = Path.of("/proc");

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
		byte[] entry = (VARIABLE + "=" + mark).getBytes(StandardCharsets.UTF_8);
		long self = ProcessHandle.current().pid();
		Set<ProcessHandle> found = new LinkedHashSet<>();
		try (DirectoryStream<Path> processes = Files.newDirectoryStream(PROC, "[0-9]*")) {
			for (Path process : processes) {
				long pid = pid(process);
				if (pid <= 0 || pid == self || !carries(process, entry)) {
					continue;
				}
				// A handle stands for the process that started at its start time: marked
				// still once taken, it is that process, not one that got its id since.
				Optional<ProcessHandle> handle = ProcessHandle.of(pid);
				if (handle.isPresent() && carries(process, entry)) {
					found.add(handle.get());
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// no /proc here, or it cannot be listed: nothing can be found
		}
		return found;
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
	private static boolean carries(Path process, byte[] entry) {
		byte[] environment;
		try {
			environment = Files.readAllBytes(process.resolve("environ"));
		}
		catch (IOException | RuntimeException ex) {
			// gone, or another user's
			return false;
		}
		int start = 0;
		while (start < environment.length) {
			int end = start;
			while (end < environment.length && environment[end] != 0) {
				end++;
			}
			if (Arrays.equals(environment, start, end, entry, 0, entry.length)) {
				return true;
			}
			start = end + 1;
		}
		return false;
	}

}
