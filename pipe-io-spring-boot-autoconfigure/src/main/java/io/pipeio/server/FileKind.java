package io.pipeio.server;

/**
 * What was found at a pipe path, read without following symbolic links.
 *
 * @author pipe-io
 */
enum FileKind {

	/** Nothing exists at the path. */
	MISSING("nothing"),

	/** A named pipe. */
	FIFO("a FIFO"),

	/** A regular file. */
	REGULAR_FILE("a regular file"),

	/** A directory. */
	DIRECTORY("a directory"),

	/** A symbolic link (whatever it points to). */
	SYMBOLIC_LINK("a symbolic link"),

	/** A UNIX domain socket. */
	SOCKET("a socket"),

	/** A character or block device. */
	DEVICE("a device");

	private final String description;

	FileKind(String description) {
		this.description = description;
	}

	/**
	 * Return a description for messages, such as "a regular file".
	 * @return the description
	 */
	String description() {
		return this.description;
	}

	static FileKind ofMode(int mode) {
		return switch (mode & 0170000) {
			case 0010000 -> FIFO;
			case 0100000 -> REGULAR_FILE;
			case 0040000 -> DIRECTORY;
			case 0120000 -> SYMBOLIC_LINK;
			case 0140000 -> SOCKET;
			default -> DEVICE;
		};
	}

}
