package io.pipeio.server;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.file.Path;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * What changes among the entries of the pipes' directories, told by Linux's
 * {@code inotify}: an entry created, deleted or renamed, or the directory itself deleted
 * or moved. Only a hint of where to look: the watchdog then checks the pipes at those
 * names as it always does, so an event that says too much costs a check and one that
 * never comes (a parent directory renamed) is left to its slower sweep. Reading never
 * waits. Used by the watchdog thread only.
 *
 * @author pipe-io
 */
final class DirectoryEvents implements Closeable {

	private static final Log logger = LogFactory.getLog(DirectoryEvents.class);

	/** An entry was created in the directory. */
	static final int IN_CREATE = 0x100;

	/** An entry was deleted from the directory. */
	static final int IN_DELETE = 0x200;

	/** The directory itself was deleted. */
	static final int IN_DELETE_SELF = 0x400;

	/** The directory itself was moved. */
	static final int IN_MOVE_SELF = 0x800;

	/** An entry was moved out of the directory, or renamed. */
	static final int IN_MOVED_FROM = 0x40;

	/** An entry was moved into the directory, or renamed to this name. */
	static final int IN_MOVED_TO = 0x80;

	/** The file system of the directory was unmounted. */
	static final int IN_UNMOUNT = 0x2000;

	/** Events were lost: the kernel's queue was full. */
	static final int IN_Q_OVERFLOW = 0x4000;

	/** The watch is gone (the directory was deleted or unmounted, or it was removed). */
	static final int IN_IGNORED = 0x8000;

	/** Fail unless the path is a directory. */
	private static final int IN_ONLYDIR = 0x1000000;

	private static final int IN_NONBLOCK = Posix.O_NONBLOCK;

	private static final int IN_CLOEXEC = Posix.O_CLOEXEC;

	private static final int MASK = IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF
			| IN_ONLYDIR;

	/** Size of {@code struct inotify_event} before its name. */
	private static final int HEADER = 16;

	/** Room for dozens of events at least: each is at most 16 bytes and a name. */
	private static final int BUFFER_SIZE = 16 * 1024;

	private static boolean unavailableLogged;

	private final int fd;

	/** Read into natively: a Java array would be copied both ways on every read. */
	private final Memory memory = new Memory(BUFFER_SIZE);

	private final ByteBuffer events = this.memory.getByteBuffer(0, BUFFER_SIZE).order(ByteOrder.nativeOrder());

	private final Charset names = Charset.forName(Native.getDefaultStringEncoding());

	private DirectoryEvents(int fd) {
		this.fd = fd;
	}

	/**
	 * @return the events of an {@code inotify} instance of its own, or {@code null} where
	 * there is none (not Linux, or the per-user limit of instances is reached): the
	 * watchdog then sweeps every pipe as often as without events
	 */
	static @Nullable DirectoryEvents open() {
		try {
			return new DirectoryEvents(Posix.libc().inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
		}
		catch (LastErrorException | IOException | UnsatisfiedLinkError ex) {
			logUnavailable("inotify_init1 failed (" + ex.getMessage() + ")");
			return null;
		}
	}

	private static synchronized void logUnavailable(String why) {
		if (!unavailableLogged) {
			unavailableLogged = true;
			logger.info("The pipes' paths are looked at whenever their channels are checked, as " + why
					+ "; fs.inotify.max_user_instances may be too low");
		}
	}

	/**
	 * Watch a directory's entries.
	 * @param directory the directory
	 * @return the watch descriptor: the same number for the same directory, however named
	 * @throws IOException if it cannot be watched (missing, not a directory, or the
	 * per-user limit of watches, {@code fs.inotify.max_user_watches}, is reached)
	 */
	int watch(Path directory) throws IOException {
		try {
			return Posix.libc().inotify_add_watch(this.fd, Posix.cString(directory.toString()), MASK);
		}
		catch (LastErrorException ex) {
			throw Posix.failure("inotify_add_watch(" + directory + ")", ex);
		}
	}

	/**
	 * Stop watching a directory; its {@link #IN_IGNORED} event follows.
	 * @param watch the watch descriptor
	 */
	void unwatch(int watch) {
		try {
			Posix.libc().inotify_rm_watch(this.fd, watch);
		}
		catch (LastErrorException | IOException ex) {
			// EINVAL: the watch went with its directory already
		}
	}

	/**
	 * Read every event there is now, without waiting.
	 * @param sink told of each event
	 * @throws IOException if the events cannot be read
	 */
	void drain(Sink sink) throws IOException {
		int read;
		while ((read = Posix.readNow(this.fd, this.memory, BUFFER_SIZE)) > 0) {
			int start = 0;
			while (read - start >= HEADER) {
				int watch = this.events.getInt(start);
				int mask = this.events.getInt(start + 4);
				int length = this.events.getInt(start + 12);
				sink.changed(watch, mask, name(start + HEADER, length));
				start += HEADER + length;
			}
		}
	}

	/** The entry's name, padded with NULs to {@code length}; none for the directory. */
	private @Nullable String name(int offset, int length) {
		int end = offset;
		while (end < offset + length && this.events.get(end) != 0) {
			end++;
		}
		if (end == offset) {
			return null;
		}
		byte[] name = new byte[end - offset];
		this.events.get(offset, name);
		return new String(name, this.names);
	}

	@Override
	public void close() {
		Posix.close(this.fd);
		this.memory.close();
	}

	/**
	 * Told of one event.
	 */
	@FunctionalInterface
	interface Sink {

		/**
		 * @param watch the watch descriptor of the directory, -1 for
		 * {@link #IN_Q_OVERFLOW}
		 * @param mask what happened
		 * @param name the entry's name, or {@code null} for the directory itself
		 */
		void changed(int watch, int mask, @Nullable String name);

	}

}
