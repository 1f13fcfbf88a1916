package io.pipeio.deadletter;

import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The names rotation gives files beside a dead-letter file, each within the
 * {@value #MAX_BYTES} bytes a file name may have: the history, {@code <file>.1},
 * {@code <file>.2} and so on, and the temporary name of the new empty file that takes the
 * full one's place, {@code <file>.rotating-<random>}. A name too long for that suffix
 * gets a shorter temporary name, its beginning and a hash of it,
 * {@code <beginning>.rotating-<hash>-<random>}: the hash tells apart files whose names
 * begin alike (as {@code {channel}} at the end of a name makes them), so that what a
 * rotation cut short leaves is recognised as the file's, and only the file's, at the next
 * start ({@link DeadLetterLeftovers}).
 *
 * @author pipe-io
 */
final class DeadLetterNames {

	/**
	 * The longest file name, in bytes, of the usual Linux file systems (ext4, XFS, Btrfs,
	 * tmpfs): {@code NAME_MAX}.
	 */
	static final int MAX_BYTES = 255;

	/** Between a file's name and a random suffix, the temporary name of a new file. */
	private static final String ROTATING = ".rotating-";

	/** The longest random suffix: a positive {@code long} in base 36. */
	private static final int MAX_RANDOM = Long.toString(Long.MAX_VALUE, 36).length();

	/** How the JDK encodes a file name for the kernel, which counts its bytes. */
	private static final Charset FILE_NAMES = fileNameCharset();

	private DeadLetterNames() {
	}

	/**
	 * @return the length of a file's name in bytes, as the file system gets it; {@code 0}
	 * for a path without one, such as {@code /}
	 */
	static int nameBytes(Path file) {
		Path name = file.getFileName();
		return (name != null) ? bytes(name.toString()) : 0;
	}

	/**
	 * @return the longest name, in bytes, a file with so many rotated files may have: the
	 * name of the last one, {@code <file>.<maxHistory>}, must fit too
	 */
	static int maxNameBytes(int maxHistory) {
		return (maxHistory > 0) ? MAX_BYTES - 1 - Integer.toString(maxHistory).length() : MAX_BYTES;
	}

	/**
	 * @return the highest number a file of the history may have, its name
	 * {@code <file>.<number>} within the limit; at least {@code maxHistory} for settings
	 * that were accepted ({@link DeadLetterSettings})
	 */
	static long lastHistoryNumber(Path file) {
		int digits = MAX_BYTES - nameBytes(file) - 1;
		long last = 0;
		for (int i = 0; i < digits && last < Integer.MAX_VALUE; i++) {
			last = last * 10 + 9;
		}
		return last;
	}

	/**
	 * @return what every temporary name of the file begins with, a random suffix of
	 * base-36 digits ({@link #temporaryName}) following
	 */
	static String temporaryPrefix(Path file) {
		Path fileName = file.getFileName();
		String name = (fileName != null) ? fileName.toString() : "";
		if (bytes(name) + ROTATING.length() + MAX_RANDOM <= MAX_BYTES) {
			// The usual name, the only one before names this long were rotated: what a
			// stop left under it then is still recognised.
			return name + ROTATING;
		}
		// A '-' that no random suffix holds: no file's usual temporary name looks like
		// this one.
		String marker = ROTATING + hash(name) + "-";
		return beginning(name, MAX_BYTES - MAX_RANDOM - bytes(marker)) + marker;
	}

	/**
	 * @param prefix the file's {@link #temporaryPrefix}
	 * @param random a random number, not negative
	 * @return a temporary name of the file
	 */
	static String temporaryName(String prefix, long random) {
		return prefix + Long.toString(random, 36);
	}

	/**
	 * @param prefix the file's {@link #temporaryPrefix}
	 * @return whether a name is one of the file's temporary names
	 */
	static boolean isTemporaryName(String name, String prefix) {
		return name.length() > prefix.length() && name.startsWith(prefix)
				&& name.substring(prefix.length()).matches("[0-9a-z]+");
	}

	private static int bytes(String name) {
		return name.getBytes(FILE_NAMES).length;
	}

	/**
	 * @return the longest beginning of a name within so many bytes, whole characters only
	 */
	private static String beginning(String name, int maxBytes) {
		int end = name.length();
		while (end > 0 && bytes(name.substring(0, end)) > maxBytes) {
			end = name.offsetByCodePoints(end, -1);
		}
		return name.substring(0, end);
	}

	/**
	 * @return 63 bits of the SHA-256 of a name in base 36: a beginning shared by two
	 * names of one directory does not make their hashes alike
	 */
	private static String hash(String name) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
			long bits = 0;
			for (int i = 0; i < Long.BYTES; i++) {
				bits = (bits << 8) | (digest[i] & 0xff);
			}
			return Long.toString(bits >>> 1, 36);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every Java platform has SHA-256", ex);
		}
	}

	private static Charset fileNameCharset() {
		String name = System.getProperty("sun.jnu.encoding");
		try {
			return (name != null) ? Charset.forName(name) : Charset.defaultCharset();
		}
		catch (IllegalCharsetNameException | UnsupportedCharsetException ex) {
			return Charset.defaultCharset();
		}
	}

}
