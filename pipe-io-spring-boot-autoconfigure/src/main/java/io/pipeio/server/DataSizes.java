package io.pipeio.server;

/**
 * Configured sizes in messages as a Spring Boot {@code DataSize} property is written
 * ({@code 16B}, {@code 32MB}, where {@code KB} is 1024 bytes), not as a raw count of
 * bytes: in the largest unit that shows the value exactly, so the message matches what
 * was configured.
 * <p>
 * Internal: public only for the other packages of pipe-io.
 *
 * @author pipe-io
 */
public final class DataSizes {

	private static final String[] SUFFIXES = { "TB", "GB", "MB", "KB" };

	private DataSizes() {
	}

	/**
	 * Format a size for a message.
	 * @param bytes the size in bytes
	 * @return such as {@code 64MB}, {@code 1536B} or {@code 0B}
	 */
	public static String format(long bytes) {
		if (bytes != 0) {
			for (int i = 0; i < SUFFIXES.length; i++) {
				long unit = 1L << (10 * (SUFFIXES.length - i));
				if (bytes % unit == 0) {
					return (bytes / unit) + SUFFIXES[i];
				}
			}
		}
		return bytes + "B";
	}

}
