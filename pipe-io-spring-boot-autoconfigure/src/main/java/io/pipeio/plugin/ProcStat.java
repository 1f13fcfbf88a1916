package io.pipeio.plugin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What {@code /proc/<pid>/stat} tells of a process that the plug-in host needs: its
 * command, its state and its flags. The one place that file is read and split, for
 * {@link ExitWatch} (exits, zombies, stopped processes) and {@link InstanceMarks} (kernel
 * threads).
 *
 * @param command the command, as the kernel keeps it: at most 15 bytes, and it may hold
 * spaces and parentheses
 * @param state {@code R} running, {@code S} or {@code D} waiting, {@code T} or {@code t}
 * stopped, {@code Z} a zombie, {@code X} dead, and so on
 * @param flags the kernel's flags of the process ({@code PF_*})
 * @author pipe-io
 */
record ProcStat(String command, char state, long flags) {

	/** {@code PF_KTHREAD}, the flag of a kernel thread. */
	private static final long PF_KTHREAD = 0x00200000L;

	/** The fields after the command: state, ppid, pgrp, session, tty, tpgid, flags. */
	private static final int FLAGS_FIELD = 6;

	/**
	 * Read a process's stat.
	 * @param pid the process's id
	 * @return what it tells, or empty if the process is gone, it cannot be read (not a
	 * system with {@code /proc}) or it is not as expected
	 */
	static Optional<ProcStat> read(long pid) {
		try {
			// decoded leniently: a command may hold any bytes but a NUL
			byte[] stat = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "stat"));
			return parse(new String(stat, StandardCharsets.UTF_8));
		}
		catch (IOException | RuntimeException ex) {
			return Optional.empty();
		}
	}

	/**
	 * @param stat "pid (command) state ppid ...": the command is what the last {@code )}
	 * ends, as it may hold one itself
	 */
	static Optional<ProcStat> parse(String stat) {
		int start = stat.indexOf('(');
		int end = stat.lastIndexOf(')');
		if (start < 0 || end < start || end + 2 >= stat.length()) {
			return Optional.empty();
		}
		String[] fields = stat.substring(end + 2).split(" ", FLAGS_FIELD + 2);
		if (fields.length <= FLAGS_FIELD || fields[0].length() != 1) {
			return Optional.empty();
		}
		try {
			long flags = Long.parseLong(fields[FLAGS_FIELD].trim());
			return Optional.of(new ProcStat(stat.substring(start + 1, end), fields[0].charAt(0), flags));
		}
		catch (NumberFormatException ex) {
			return Optional.empty();
		}
	}

	/**
	 * @return whether it is a kernel thread, which has no environment
	 */
	boolean isKernelThread() {
		return (this.flags & PF_KTHREAD) != 0;
	}

	/**
	 * @return whether it exited and waits to be reaped ({@code Z}) or is being reaped
	 * ({@code X})
	 */
	boolean hasExited() {
		return this.state == 'Z' || this.state == 'X';
	}

}
