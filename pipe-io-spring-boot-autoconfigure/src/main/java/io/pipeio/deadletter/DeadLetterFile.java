package io.pipeio.deadletter;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

import io.pipeio.server.OwnFiles;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * A file of dead letters, one JSON object per line, rotated when it would grow beyond its
 * maximum size: the file becomes {@code <file>.1}, {@code <file>.1} becomes
 * {@code <file>.2} and so on, and the oldest beyond the history is deleted
 * ({@link DeadLetterRotation}, which skips names held by files it did not create). Safe
 * for use by several channels and threads.
 * <p>
 * Dropped lines may hold anything a client sent, so files are created readable by their
 * owner only. The file is opened without following a symbolic link or blocking, and
 * appended to only if the opened file is a regular file of this user with a single name
 * (see {@link OwnFiles}): a link or a FIFO planted at the path is refused, never written
 * through (a FIFO would block the writer).
 *
 * @author pipe-io
 */
public final class DeadLetterFile implements Closeable {

	private static final byte[] NEWLINE = { '\n' };

	private static final byte[] NO_BYTES = {};

	private final DeadLetterSettings settings;

	private @Nullable FileChannel channel;

	private long size;

	/**
	 * Whether the open file ends inside a record cut short: the next record begins with
	 * the newline that ends it.
	 */
	private boolean newlineOwed;

	/** What identifies the opened file on disk, to see it deleted or replaced. */
	private @Nullable Object openedKey;

	/**
	 * Whether {@link #close()} was called since the last {@link #open()}: a write then
	 * opens the file for itself only.
	 */
	private boolean closed;

	final DeadLetterRotation rotation;

	/**
	 * Create a file; nothing is opened until the first {@link #open()} or {@link #write}.
	 * @param settings where and how large
	 */
	DeadLetterFile(DeadLetterSettings settings) {
		Assert.notNull(settings, "'settings' must not be null");
		this.settings = settings;
		this.rotation = new DeadLetterRotation(settings);
	}

	/**
	 * @return the settings
	 */
	DeadLetterSettings getSettings() {
		return this.settings;
	}

	/**
	 * @return the path of the current file
	 */
	public Path getPath() {
		return this.settings.file();
	}

	/**
	 * Open the file for appending, creating it and its missing directories if needed, and
	 * keep it open between records until {@link #close()}. Opens nothing if it is open
	 * already.
	 * @throws IOException if the file cannot be opened or is not a regular file of this
	 * user
	 */
	public synchronized void open() throws IOException {
		openChannel();
		this.closed = false;
	}

	private void openChannel() throws IOException {
		if (this.channel != null) {
			return;
		}
		Path file = this.settings.file();
		Path parent = file.toAbsolutePath().getParent();
		if (parent != null) {
			// Created if missing, checked either way: a link another user planted on the
			// way would send the records into a file of their choosing.
			OwnFiles.prepareDirectory(parent, "dead letters (" + file.getFileName() + ")");
		}
		// Once, at the first open: what a rotation cut short by a stop left beside it.
		this.rotation.recoverLeftovers();
		// Checked on the opened descriptor: a check of the path before the open could be
		// overtaken by a FIFO or another user's file put there meanwhile.
		OwnFiles.LineFile opened = OwnFiles.openForAppend(file);
		try {
			this.size = opened.channel().size();
			this.openedKey = fileKey(file);
		}
		catch (IOException ex) {
			opened.channel().close();
			throw ex;
		}
		this.newlineOwed = opened.endsInsideALine();
		this.channel = opened.channel();
	}

	/**
	 * Close the file if its path no longer names it (deleted, or moved away by a log
	 * rotation): records written to it would be lost, though counted as written.
	 */
	private void closeIfGone() {
		if (this.channel != null && !Objects.equals(this.openedKey, fileKey(this.settings.file()))) {
			closeChannel();
		}
	}

	private static @Nullable Object fileKey(Path file) {
		try {
			return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
		}
		catch (IOException ex) {
			return null; // gone
		}
	}

	/**
	 * Append a dead letter, rotating the file first if it would grow beyond its maximum
	 * size. A record larger than the maximum size is written alone into a fresh file.
	 * @param letter the dead letter
	 * @throws IOException if it could not be written
	 */
	public synchronized void write(DeadLetter letter) throws IOException {
		byte[] json = DeadLetterJson.toJson(letter);
		// A FileChannel closes itself when a thread with its interrupt flag set uses it
		// (opening the file reads its end): the flag, left by a listener or by a stop,
		// must not cost this and every later record.
		boolean interrupted = Thread.interrupted();
		try {
			closeIfGone();
			openChannel();
			if (this.size > 0 && this.size + json.length > this.settings.maxFileSize()) {
				rotate();
			}
			FileChannel channel = this.channel;
			Assert.state(channel != null, "Dead-letter file not open");
			try {
				ByteBuffer newline = ByteBuffer.wrap(this.newlineOwed ? NEWLINE : NO_BYTES);
				ByteBuffer buffer = ByteBuffer.wrap(json);
				while (buffer.hasRemaining()) {
					channel.write(new ByteBuffer[] { newline, buffer });
				}
				this.size += newline.capacity() + json.length;
				this.newlineOwed = false;
			}
			catch (IOException ex) {
				// the next write opens the file again, ending a record cut short
				closeChannel();
				throw ex;
			}
			if (this.closed) {
				// Such as a line a stop left behind, accounted for after the stop closed
				// the files: no descriptor stays open after the stop for it.
				closeChannel();
			}
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/**
	 * End a record cut short before the file is rotated away with it, so that it stays a
	 * line of its own there too; where that fails too (a disk still full), it ends
	 * without a newline.
	 */
	private void endRecordCutShort() {
		FileChannel channel = this.channel;
		if (channel != null && this.newlineOwed) {
			try {
				channel.write(ByteBuffer.wrap(NEWLINE));
				this.newlineOwed = false;
			}
			catch (IOException ex) {
				// the rotated file ends with the half record
			}
		}
	}

	/**
	 * Close the file. A {@link #write} before the next {@link #open()} opens it for that
	 * record only.
	 */
	@Override
	public synchronized void close() {
		this.closed = true;
		closeChannel();
	}

	private void closeChannel() {
		FileChannel channel = this.channel;
		this.channel = null;
		if (channel != null) {
			try {
				channel.close();
			}
			catch (IOException ex) {
				// Nothing is buffered here: every record was written when write()
				// returned.
			}
		}
	}

	private void rotate() throws IOException {
		endRecordCutShort();
		closeChannel();
		this.rotation.rotate();
		openChannel();
	}

}
