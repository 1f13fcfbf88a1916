package io.pipeio.server;

import java.io.IOException;

import com.sun.jna.LastErrorException;

/**
 * Renaming without replacing what is at the new name, through the C library {@link Posix}
 * binds: {@code renameat2} with {@code RENAME_NOREPLACE}, else {@code link} then
 * {@code unlink}.
 *
 * @author pipe-io
 */
final class PosixRenames {

	/** For the {@code *at} calls: paths relative to the working directory. */
	private static final int AT_FDCWD = -100;

	private static final int RENAME_NOREPLACE = 1;

	private static final int RENAME_EXCHANGE = 2;

	private PosixRenames() {
	}

	/**
	 * Rename a file to a name nothing has, atomically: fails with {@link Posix#EEXIST}
	 * rather than replace whatever is at the target by then ({@code renameat2} with
	 * {@code RENAME_NOREPLACE}). Where that call is missing (a C library older than glibc
	 * 2.28, a kernel older than 3.15) or the file system refuses the flag, the file is
	 * given the new name with {@code link}, which never replaces either, and the old one
	 * is then removed.
	 */
	static void renameNoReplace(String source, String target) throws IOException {
		try {
			Posix.libc().renameat2(AT_FDCWD, source, AT_FDCWD, target, RENAME_NOREPLACE);
			return;
		}
		catch (UnsatisfiedLinkError ex) {
			// not in this C library
		}
		catch (LastErrorException ex) {
			if (ex.getErrorCode() != Posix.ENOSYS && ex.getErrorCode() != Posix.EINVAL) {
				throw Posix.failure("renameat2(" + source + ", " + target + ", RENAME_NOREPLACE)", ex);
			}
		}
		moveByLink(source, target);
	}

	/**
	 * Swap the files at two names atomically ({@code renameat2} with
	 * {@code RENAME_EXCHANGE}): neither name is free at any instant.
	 * @return {@code false}, changing nothing, where the call is missing (a C library
	 * older than glibc 2.28, a kernel older than 3.15) or the file system refuses the
	 * flag
	 * @throws IOException with the errno ({@link Posix#ENOENT} if either is missing)
	 */
	static boolean exchange(String one, String other) throws IOException {
		try {
			Posix.libc().renameat2(AT_FDCWD, one, AT_FDCWD, other, RENAME_EXCHANGE);
			return true;
		}
		catch (UnsatisfiedLinkError ex) {
			return false;
		}
		catch (LastErrorException ex) {
			if (ex.getErrorCode() == Posix.ENOSYS || ex.getErrorCode() == Posix.EINVAL) {
				return false;
			}
			throw Posix.failure("renameat2(" + one + ", " + other + ", RENAME_EXCHANGE)", ex);
		}
	}

	/**
	 * Rename a file as {@link #renameNoReplace} does without {@code renameat2}: a crash
	 * between both calls leaves the file with both names.
	 */
	static void moveByLink(String source, String target) throws IOException {
		try {
			Posix.libc().link(source, target);
		}
		catch (LastErrorException ex) {
			throw Posix.failure("link(" + source + ", " + target + ")", ex);
		}
		try {
			Posix.libc().unlink(source);
		}
		catch (LastErrorException ex) {
			throw Posix.failure("unlink(" + source + ") after linking it to " + target, ex);
		}
	}

}
