package io.pipeio.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Configuration of pipe-io channels. Validates itself when bound, so a bad value fails startup with
 * a message that names the property and the fix.
 *
 * @author pipe-io
 */
@ConfigurationProperties("pipe-io")
public class PipeIoProperties implements Validator {

	/** The name of an application that sets no {@code spring.application.name}. */
	static final String DEFAULT_APPLICATION_NAME = "application";

	/**
	 * Whether to create pipe-io channels at all.
	 */
	private boolean enabled = true;

	/**
	 * Base directory for relative pipe paths. Defaults to a directory of this user and
	 * application: "$XDG_RUNTIME_DIR/pipe-io/<spring.application.name>" when XDG_RUNTIME_DIR is
	 * set, else "<java.io.tmpdir>/pipe-io-<uid>/<spring.application.name>". It, and every
	 * ancestor, must not be writable by other users (unless sticky) nor belong to another user.
	 */
	private @Nullable Path directory;

	/**
	 * Permissions of the directories pipe-io creates for pipes, as in "ls -l"; applied exactly,
	 * whatever the umask. The owner needs rwx and nobody else may write; for example rwx--x--- lets
	 * a plug-in running as another user of the group reach FIFOs whose permissions allow it.
	 */
	private String directoryPermissions = "rwx------";

	/**
	 * Channels by name. Each channel is an in pipe the application reads lines from and an out pipe
	 * it writes lines to.
	 */
	private final Map<String, Channel> channels = new LinkedHashMap<>();

	private final Observation observation = new Observation();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public @Nullable Path getDirectory() {
		return this.directory;
	}

	public void setDirectory(@Nullable Path directory) {
		this.directory = directory;
	}

	public String getDirectoryPermissions() {
		return this.directoryPermissions;
	}

	public void setDirectoryPermissions(String directoryPermissions) {
		this.directoryPermissions = directoryPermissions;
	}

	public Map<String, Channel> getChannels() {
		return this.channels;
	}

	public Observation getObservation() {
		return this.observation;
	}

	@Override
	public boolean supports(Class<?> type) {
		return PipeIoProperties.class.isAssignableFrom(type);
	}

	@Override
	public void validate(Object target, Errors errors) {
		for (String problem : PipeChannelSettingsFactory.validate((PipeIoProperties) target)) {
			errors.reject("pipeio.invalid", problem);
		}
	}

	/**
	 * Return the base directory of relative pipe paths for an application named "application".
	 * @return the configured directory, or the default for this user
	 * @see #determineDirectory(String)
	 */
	public Path determineDirectory() {
		return determineDirectory(DEFAULT_APPLICATION_NAME);
	}

	/**
	 * Return the base directory of relative pipe paths. Unless configured, every user and every
	 * application has its own, so two applications on one machine never share pipes by accident
	 * and no other user can prepare the directory for them.
	 * @param applicationName the application's name ({@code spring.application.name})
	 * @return the configured directory, or the default for this user and application
	 */
	public Path determineDirectory(String applicationName) {
		if (this.directory != null) {
			return this.directory.toAbsolutePath().normalize();
		}
		String runtimeDirectory = System.getenv("XDG_RUNTIME_DIR");
		Path base = (runtimeDirectory != null && !runtimeDirectory.isBlank()) ? Path.of(runtimeDirectory, "pipe-io")
				: Path.of(System.getProperty("java.io.tmpdir"), "pipe-io-" + currentUser());
		return base.resolve(applicationName).toAbsolutePath().normalize();
	}

	private static String currentUser() {
		try {
			return String.valueOf(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
		}
		catch (IOException | RuntimeException ex) {
			return System.getProperty("user.name");
		}
	}

	/**
	 * Observation of listener calls.
	 */
	public static class Observation {

		/**
		 * Whether each listener call is a "pipeio.listener" observation, so traces cover it. By
		 * default on when Micrometer Tracing is configured (a Tracer bean exists), off otherwise:
		 * an observation costs about a microsecond per line, and the pipeio.listener timer is
		 * recorded either way.
		 */
		private @Nullable Boolean enabled;

		public @Nullable Boolean getEnabled() {
			return this.enabled;
		}

		public void setEnabled(@Nullable Boolean enabled) {
			this.enabled = enabled;
		}

	}

	/**
	 * Settings of one channel.
	 */
	public static class Channel {

		/**
		 * Path of the FIFO the application reads lines from, relative to pipe-io.directory unless
		 * absolute. Defaults to "<channel>.in".
		 */
		private @Nullable String inPipe;

		/**
		 * Path of the FIFO the application writes lines to, relative to pipe-io.directory unless
		 * absolute. Defaults to "<channel>.out".
		 */
		private @Nullable String outPipe;

		/**
		 * Permissions of created FIFOs, as in "ls -l" (such as rw------- or rw-rw----); applied
		 * exactly, whatever the umask. The owner must be able to read and write; execute bits mean
		 * nothing on a FIFO and are refused; write access for others needs allow-world-writable.
		 */
		private String permissions = "rw-------";

		/**
		 * Whether permissions may let every user of the machine write ("others" w, as in
		 * rw-rw-rw-): any local process could then send the channel lines. Off by default; when on,
		 * a warning is logged at start.
		 */
		private boolean allowWorldWritable;

		/**
		 * Whether to create the FIFOs on start (replacing stale ones) and remove them on stop. When
		 * false, the FIFOs must exist and are never created or removed.
		 */
		private boolean managePipes = true;

		/**
		 * Charset of text lines, used for String listener parameters and replies.
		 */
		private String charset = "UTF-8";

		/**
		 * Largest incoming line, without its newline; longer lines are dropped (reason too-large).
		 */
		private DataSize maxMessageSize = DataSize.ofMegabytes(1);

		/**
		 * How many outgoing lines may wait to be written to the out pipe.
		 */
		private int sendQueueCapacity = 10_000;

		/**
		 * Bound of the bytes of the outgoing lines waiting to be written (queued or being
		 * written), so that large lines cannot pile up in memory while no client reads. A single
		 * longer line is still sent once nothing else waits.
		 */
		private DataSize sendQueueMaxBytes = DataSize.ofMegabytes(64);

		/**
		 * What happens to an outgoing line that does not fit into the full send queue: "block"
		 * (replies wait, so the channel stops reading its in pipe; other sends wait up to
		 * send-timeout, then fail), "drop-newest" (the line is dropped), "drop-oldest" (the oldest
		 * queued lines are dropped to make room) or "fail" (the send fails at once). Dropped lines
		 * are counted (reason queue-full).
		 */
		private String overflow = "block";

		/**
		 * With overflow "block", how long a send from a thread other than the channel's reader
		 * (a PipeTemplate call, an asynchronous reply) waits for room in a full send queue before
		 * it fails. A listener's reply on the reader thread waits without limit.
		 */
		private Duration sendTimeout = Duration.ofSeconds(5);

		/**
		 * Whether the channel starts with the application.
		 */
		private boolean autoStartup = true;

		public @Nullable String getInPipe() {
			return this.inPipe;
		}

		public void setInPipe(@Nullable String inPipe) {
			this.inPipe = inPipe;
		}

		public @Nullable String getOutPipe() {
			return this.outPipe;
		}

		public void setOutPipe(@Nullable String outPipe) {
			this.outPipe = outPipe;
		}

		public String getPermissions() {
			return this.permissions;
		}

		public void setPermissions(String permissions) {
			this.permissions = permissions;
		}

		public boolean isAllowWorldWritable() {
			return this.allowWorldWritable;
		}

		public void setAllowWorldWritable(boolean allowWorldWritable) {
			this.allowWorldWritable = allowWorldWritable;
		}

		public boolean isManagePipes() {
			return this.managePipes;
		}

		public void setManagePipes(boolean managePipes) {
			this.managePipes = managePipes;
		}

		public String getCharset() {
			return this.charset;
		}

		public void setCharset(String charset) {
			this.charset = charset;
		}

		public DataSize getMaxMessageSize() {
			return this.maxMessageSize;
		}

		public void setMaxMessageSize(DataSize maxMessageSize) {
			this.maxMessageSize = maxMessageSize;
		}

		public int getSendQueueCapacity() {
			return this.sendQueueCapacity;
		}

		public void setSendQueueCapacity(int sendQueueCapacity) {
			this.sendQueueCapacity = sendQueueCapacity;
		}

		public DataSize getSendQueueMaxBytes() {
			return this.sendQueueMaxBytes;
		}

		public void setSendQueueMaxBytes(DataSize sendQueueMaxBytes) {
			this.sendQueueMaxBytes = sendQueueMaxBytes;
		}

		public String getOverflow() {
			return this.overflow;
		}

		public void setOverflow(String overflow) {
			this.overflow = overflow;
		}

		public Duration getSendTimeout() {
			return this.sendTimeout;
		}

		public void setSendTimeout(Duration sendTimeout) {
			this.sendTimeout = sendTimeout;
		}

		public boolean isAutoStartup() {
			return this.autoStartup;
		}

		public void setAutoStartup(boolean autoStartup) {
			this.autoStartup = autoStartup;
		}

	}

}
