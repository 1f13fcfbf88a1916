package io.pipeio.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What {@code lstat} says of a pipe path: its kind, owner and identity (device and
 * inode), so a server can tell "still the FIFO I opened" from "deleted" or "replaced".
 *
 * @param path the path
 * @param kind what is there
 * @param uid the owner's user id, or -1 when missing
 * @param identity the file key (device and inode), or {@code null} when missing
 * @author pipe-io
 */
record PipeFile(Path path, FileKind kind, int uid, @Nullable Object identity) {

	private static final String ATTRIBUTES = "unix:mode,uid,fileKey";

	/**
	 * Inspect a path without following a symbolic link at its last component.
	 * @param path the path
	 * @return what is there
	 * @throws IOException if the path cannot be inspected
	 */
	static PipeFile inspect(Path path) throws IOException {
		Map<String, Object> attributes;
		try {
			attributes = Files.readAttributes(path, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
		}
		catch (NoSuchFileException ex) {
			return new PipeFile(path, FileKind.MISSING, -1, null);
		}
		int mode = intAttribute(attributes, "mode");
		return new PipeFile(path, FileKind.ofMode(mode), intAttribute(attributes, "uid"), attributes.get("fileKey"));
	}

	/**
	 * Read an integer attribute of the {@code unix} view. The view returns every
	 * attribute it was asked for, so a missing one means a file system without it: that
	 * is said here rather than by a bare {@link NullPointerException} when unboxing.
	 * @param attributes what {@link Files#readAttributes(Path, String, LinkOption...)}
	 * returned
	 * @param name the attribute's name, without the {@code unix:} prefix
	 * @return the attribute's value
	 */
	static int intAttribute(Map<String, Object> attributes, String name) {
		if (attributes.get(name) instanceof Integer value) {
			return value;
		}
		throw new IllegalStateException("The file system did not report the attribute unix:" + name);
	}

	/**
	 * Check cheaply that the path still holds this very file: one {@code lstat} and a
	 * small attributes object, cheap enough for the watchdog to run over every channel
	 * several times a second.
	 * @return whether the path holds the same file (device and inode)
	 */
	boolean isStillThere() {
		if (this.identity == null) {
			return false;
		}
		try {
			return this.identity.equals(
					Files.readAttributes(this.path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey());
		}
		catch (IOException ex) {
			return false; // deleted, or the directory is gone
		}
	}

	boolean isFifo() {
		return this.kind == FileKind.FIFO;
	}

	boolean isMissing() {
		return this.kind == FileKind.MISSING;
	}

	boolean isSameFile(PipeFile other) {
		return this.identity != null && this.identity.equals(other.identity);
	}

}
