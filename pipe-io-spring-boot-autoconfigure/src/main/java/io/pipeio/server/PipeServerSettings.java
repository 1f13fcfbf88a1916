package io.pipeio.server;

import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadFactory;

import org.jspecify.annotations.Nullable;

/**
 * Immutable settings of one channel served by a {@link PipeServer}. Build with
 * {@link #builder(String, Path, Path)}.
 *
 * @author pipe-io
 */
public final class PipeServerSettings {

	/**
	 * The name of the lock file a server keeps in the directory of its pipes, for every
	 * channel there: no pipe may have it.
	 */
	public static final String LOCK_FILE_NAME = LockFile.NAME;

	/**
	 * @param path a path
	 * @return whether its name is that of the lock file, {@link #LOCK_FILE_NAME}
	 */
	public static boolean isLockFile(Path path) {
		Path name = path.getFileName();
		return name != null && LOCK_FILE_NAME.equals(name.toString());
	}

	/** Default permissions of created FIFOs: {@code rw-------}. */
	static final Set<PosixFilePermission> DEFAULT_PERMISSIONS = Collections
		.unmodifiableSet(PosixFilePermissions.fromString("rw-------"));

	/** Default permissions of created directories: {@code rwx------}. */
	static final Set<PosixFilePermission> DEFAULT_DIRECTORY_PERMISSIONS = Collections
		.unmodifiableSet(PosixFilePermissions.fromString("rwx------"));

	/** Default max message size: 1 MiB. */
	static final int DEFAULT_MAX_MESSAGE_SIZE = 1024 * 1024;

	/** Default send queue capacity: 10,000 lines. */
	static final int DEFAULT_SEND_QUEUE_CAPACITY = 10_000;

	/** Default bound of the bytes waiting to be written: 64 MiB. */
	static final long DEFAULT_SEND_QUEUE_MAX_BYTES = 64L * 1024 * 1024;

	/** Default send timeout: 5 seconds. */
	static final Duration DEFAULT_SEND_TIMEOUT = Duration.ofSeconds(5);

	/**
	 * Default size of the read and write buffers: 16 KiB (measured faster than 64 KiB).
	 */
	public static final int DEFAULT_BUFFER_SIZE = 16 * 1024;

	private final String channel;

	private final Path inPath;

	private final Path outPath;

	private final Set<PosixFilePermission> permissions;

	private final Set<PosixFilePermission> directoryPermissions;

	private final boolean managePipes;

	private final int maxMessageSize;

	private final int sendQueueCapacity;

	private final long sendQueueMaxBytes;

	private final OverflowPolicy overflow;

	private final Duration sendTimeout;

	private final int bufferSize;

	private final PipeEngine engine;

	private final DispatchMode dispatch;

	private final int eventLoops;

	private final @Nullable ThreadFactory workerThreads;

	private PipeServerSettings(Builder builder) {
		this.channel = builder.channel;
		this.inPath = builder.inPath;
		this.outPath = builder.outPath;
		this.permissions = Collections.unmodifiableSet(EnumSet.copyOf(builder.permissions));
		this.directoryPermissions = Collections.unmodifiableSet(EnumSet.copyOf(builder.directoryPermissions));
		this.managePipes = builder.managePipes;
		this.maxMessageSize = builder.maxMessageSize;
		this.sendQueueCapacity = builder.sendQueueCapacity;
		this.sendQueueMaxBytes = builder.sendQueueMaxBytes;
		this.overflow = builder.overflow;
		this.sendTimeout = builder.sendTimeout;
		this.bufferSize = builder.bufferSize;
		this.engine = builder.engine;
		this.dispatch = builder.dispatch;
		this.eventLoops = builder.eventLoops;
		this.workerThreads = builder.workerThreads;
	}

	/**
	 * Start building settings for a channel.
	 * @param channel the channel name, used in thread names and messages
	 * @param inPath the FIFO the server reads lines from
	 * @param outPath the FIFO the server writes lines to
	 * @return a builder with every other setting at its default
	 */
	public static Builder builder(String channel, Path inPath, Path outPath) {
		return new Builder(channel, inPath, outPath);
	}

	/**
	 * @return the channel name
	 */
	public String getChannel() {
		return this.channel;
	}

	/**
	 * @return the FIFO the server reads lines from
	 */
	public Path getInPath() {
		return this.inPath;
	}

	/**
	 * @return the FIFO the server writes lines to
	 */
	public Path getOutPath() {
		return this.outPath;
	}

	/**
	 * @return the exact permissions given to created FIFOs
	 */
	public Set<PosixFilePermission> getPermissions() {
		return this.permissions;
	}

	/**
	 * @return the exact permissions given to directories created for the FIFOs
	 */
	public Set<PosixFilePermission> getDirectoryPermissions() {
		return this.directoryPermissions;
	}

	/**
	 * @return whether the server creates the FIFOs on start and removes them on stop
	 */
	public boolean isManagePipes() {
		return this.managePipes;
	}

	/**
	 * @return the largest incoming line, in bytes without the newline, that is delivered
	 */
	public int getMaxMessageSize() {
		return this.maxMessageSize;
	}

	/**
	 * @return how many outgoing lines may wait to be written
	 */
	public int getSendQueueCapacity() {
		return this.sendQueueCapacity;
	}

	/**
	 * @return the bound of the bytes of the lines waiting to be written, see
	 * {@link Builder#sendQueueMaxBytes}
	 */
	public long getSendQueueMaxBytes() {
		return this.sendQueueMaxBytes;
	}

	/**
	 * @return what happens to a line that does not fit into the full send queue
	 */
	public OverflowPolicy getOverflow() {
		return this.overflow;
	}

	/**
	 * @return how long a send waits for room in a full queue, see
	 * {@link Builder#sendTimeout}
	 */
	public Duration getSendTimeout() {
		return this.sendTimeout;
	}

	/**
	 * @return the size of the read and write buffers in bytes
	 */
	public int getBufferSize() {
		return this.bufferSize;
	}

	/**
	 * @return how the server waits on its pipes
	 */
	public PipeEngine getEngine() {
		return this.engine;
	}

	/**
	 * @return which thread runs the handler on the event loop engine
	 */
	public DispatchMode getDispatch() {
		return this.dispatch;
	}

	/**
	 * @return how many event loops the channel asks for, see {@link Builder#eventLoops}
	 */
	public int getEventLoops() {
		return this.eventLoops;
	}

	/**
	 * @return where the event loop engine's worker threads that run the handler come
	 * from, {@code null} for pipe-io's own, see {@link Builder#workerThreads}
	 */
	public @Nullable ThreadFactory getWorkerThreads() {
		return this.workerThreads;
	}

	@Override
	public String toString() {
		return "PipeServerSettings[channel=" + this.channel + ", in=" + this.inPath + ", out=" + this.outPath
				+ ", permissions=" + PosixFilePermissions.toString(this.permissions) + ", directoryPermissions="
				+ PosixFilePermissions.toString(this.directoryPermissions) + ", managePipes=" + this.managePipes
				+ ", maxMessageSize=" + this.maxMessageSize + ", sendQueueCapacity=" + this.sendQueueCapacity
				+ ", sendQueueMaxBytes=" + this.sendQueueMaxBytes + ", overflow=" + this.overflow.value()
				+ ", sendTimeout=" + this.sendTimeout + ", engine=" + this.engine.value() + ", dispatch="
				+ this.dispatch.value() + ", eventLoops=" + this.eventLoops
				+ ((this.workerThreads != null) ? ", workerThreads=" + this.workerThreads : "") + "]";
	}

	/**
	 * Builder of {@link PipeServerSettings}.
	 */
	public static final class Builder {

		private final String channel;

		private final Path inPath;

		private final Path outPath;

		private Set<PosixFilePermission> permissions = DEFAULT_PERMISSIONS;

		private Set<PosixFilePermission> directoryPermissions = DEFAULT_DIRECTORY_PERMISSIONS;

		private boolean managePipes = true;

		private int maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE;

		private int sendQueueCapacity = DEFAULT_SEND_QUEUE_CAPACITY;

		private long sendQueueMaxBytes = DEFAULT_SEND_QUEUE_MAX_BYTES;

		private OverflowPolicy overflow = OverflowPolicy.BLOCK;

		private Duration sendTimeout = DEFAULT_SEND_TIMEOUT;

		private int bufferSize = DEFAULT_BUFFER_SIZE;

		private PipeEngine engine = PipeEngine.AUTO;

		private DispatchMode dispatch = DispatchMode.AUTO;

		private int eventLoops = 1;

		private @Nullable ThreadFactory workerThreads;

		private Builder(String channel, Path inPath, Path outPath) {
			this.channel = requireText(channel, "channel");
			this.inPath = Objects.requireNonNull(inPath, "'inPath' must not be null").toAbsolutePath().normalize();
			this.outPath = Objects.requireNonNull(outPath, "'outPath' must not be null").toAbsolutePath().normalize();
			if (this.inPath.equals(this.outPath)) {
				throw new IllegalArgumentException(
						"Channel '" + channel + "': in and out pipe must differ, both are " + this.inPath);
			}
		}

		/**
		 * Set the permissions of created FIFOs, applied exactly regardless of the umask.
		 * @param permissions the permissions, such as {@code rw-------}
		 * @return this builder
		 */
		public Builder permissions(Set<PosixFilePermission> permissions) {
			Objects.requireNonNull(permissions, "'permissions' must not be null");
			if (!permissions.contains(PosixFilePermission.OWNER_READ)
					|| !permissions.contains(PosixFilePermission.OWNER_WRITE)) {
				throw new IllegalArgumentException(
						"Channel '" + this.channel + "': permissions must let the owner read and write, got "
								+ PosixFilePermissions.toString(permissions));
			}
			this.permissions = permissions;
			return this;
		}

		/**
		 * Set the permissions of directories created for the FIFOs, applied exactly
		 * regardless of the umask. The owner needs all three; nobody else may write, or
		 * another user could replace the pipes (such a directory is refused at start
		 * anyway).
		 * @param directoryPermissions the permissions, such as {@code rwx------} or
		 * {@code rwx--x---} (the group may reach FIFOs whose own permissions allow it)
		 * @return this builder
		 */
		public Builder directoryPermissions(Set<PosixFilePermission> directoryPermissions) {
			Objects.requireNonNull(directoryPermissions, "'directoryPermissions' must not be null");
			if (!directoryPermissions.containsAll(EnumSet.of(PosixFilePermission.OWNER_READ,
					PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE))
					|| directoryPermissions.contains(PosixFilePermission.GROUP_WRITE)
					|| directoryPermissions.contains(PosixFilePermission.OTHERS_WRITE)) {
				throw new IllegalArgumentException("Channel '" + this.channel
						+ "': directory permissions must give the owner rwx and nobody else write access, got "
						+ PosixFilePermissions.toString(directoryPermissions));
			}
			this.directoryPermissions = directoryPermissions;
			return this;
		}

		/**
		 * Set whether the server creates the FIFOs on start and removes them on stop.
		 * @param managePipes {@code false} to require existing FIFOs and never touch them
		 * @return this builder
		 */
		public Builder managePipes(boolean managePipes) {
			this.managePipes = managePipes;
			return this;
		}

		/**
		 * Set the largest incoming line delivered; longer lines are dropped.
		 * @param maxMessageSize bytes, without the newline; at least 1
		 * @return this builder
		 */
		public Builder maxMessageSize(int maxMessageSize) {
			this.maxMessageSize = (int) requirePositive(maxMessageSize, "maxMessageSize");
			return this;
		}

		/**
		 * Set how many outgoing lines may wait to be written.
		 * @param sendQueueCapacity lines; at least 1
		 * @return this builder
		 */
		public Builder sendQueueCapacity(int sendQueueCapacity) {
			this.sendQueueCapacity = (int) requirePositive(sendQueueCapacity, "sendQueueCapacity");
			return this;
		}

		/**
		 * Set the bound of the bytes of the lines waiting to be written (queued or being
		 * written), so that large lines cannot pile up in memory while no client reads. A
		 * line longer than the bound is still sent once nothing else waits.
		 * @param sendQueueMaxBytes bytes, without newlines; at least 1
		 * @return this builder
		 */
		public Builder sendQueueMaxBytes(long sendQueueMaxBytes) {
			this.sendQueueMaxBytes = requirePositive(sendQueueMaxBytes, "sendQueueMaxBytes");
			return this;
		}

		/**
		 * Set what happens to a line that does not fit into the full send queue.
		 * @param overflow the policy; {@link OverflowPolicy#BLOCK} by default
		 * @return this builder
		 */
		public Builder overflow(OverflowPolicy overflow) {
			this.overflow = Objects.requireNonNull(overflow, "'overflow' must not be null");
			return this;
		}

		/**
		 * Set how long a send that is not a reply of the chunk being handled (a
		 * {@link PipeServer#send}, or a reply through a {@link ReplySink} used elsewhere)
		 * waits for room in a full queue before it fails, with
		 * {@link OverflowPolicy#BLOCK}; other policies never wait.
		 * @param sendTimeout the timeout; zero fails at once
		 * @return this builder
		 */
		public Builder sendTimeout(Duration sendTimeout) {
			Objects.requireNonNull(sendTimeout, "'sendTimeout' must not be null");
			if (sendTimeout.isNegative()) {
				throw new IllegalArgumentException("Channel '" + this.channel
						+ "': sendTimeout must not be negative, got " + Durations.format(sendTimeout));
			}
			this.sendTimeout = sendTimeout;
			return this;
		}

		/**
		 * Set the size of the read and write buffers.
		 * @param bufferSize bytes; at least 64
		 * @return this builder
		 */
		public Builder bufferSize(int bufferSize) {
			if (bufferSize < 64) {
				throw new IllegalArgumentException(
						"Channel '" + this.channel + "': bufferSize must be at least 64, got " + bufferSize);
			}
			this.bufferSize = bufferSize;
			return this;
		}

		/**
		 * Set how the server waits on its pipes.
		 * @param engine the engine; {@link PipeEngine#AUTO} by default
		 * @return this builder
		 */
		public Builder engine(PipeEngine engine) {
			this.engine = Objects.requireNonNull(engine, "'engine' must not be null");
			return this;
		}

		/**
		 * Set which thread runs the handler on the event loop engine.
		 * @param dispatch the mode; {@link DispatchMode#AUTO} by default
		 * @return this builder
		 */
		public Builder dispatch(DispatchMode dispatch) {
			this.dispatch = Objects.requireNonNull(dispatch, "'dispatch' must not be null");
			return this;
		}

		/**
		 * Set how many event loop threads the event loop engine runs, each waiting on the
		 * pipes of some of the channels. The loops are shared by every channel of the JVM
		 * on that engine: a channel is placed on the one with the fewest channels, and
		 * the largest number any running channel asks for is started, so give every
		 * channel the same number. One loop costs the fewest threads and suffices unless
		 * many busy channels keep it busy (then more loops spread that work over cores);
		 * handlers run on workers either way. Ignored on the thread engine.
		 * @param eventLoops the number of loops; at least 1, 1 by default
		 * @return this builder
		 */
		public Builder eventLoops(int eventLoops) {
			this.eventLoops = (int) requirePositive(eventLoops, "eventLoops");
			return this;
		}

		/**
		 * Set where the worker threads that run the channel's handler on the event loop
		 * engine come from, such as a factory of virtual threads (Java 21 and later). The
		 * threads are named {@code pipe-io-worker-N} and are daemon threads whatever the
		 * factory makes them. Channels given the same factory instance share its workers,
		 * so give them one: each instance gets a pool of its own, kept while a channel
		 * given it runs. Idle workers end after a while, and the pool's workers end with
		 * the stop of the last channel given it (a worker running a handler that the stop
		 * gave up on, once the handler returns). Only handler turns run there: a handler
		 * moved to the loop thread ({@link DispatchMode}) runs on that thread, the
		 * engine's own tasks stay on its platform workers, and the thread engine, whose
		 * reader thread runs the handler, ignores the factory.
		 * @param workerThreads the factory, or {@code null} (the default) for pipe-io's
		 * own platform threads
		 * @return this builder
		 */
		public Builder workerThreads(@Nullable ThreadFactory workerThreads) {
			this.workerThreads = workerThreads;
			return this;
		}

		/**
		 * Build the settings.
		 * @return the immutable settings
		 */
		public PipeServerSettings build() {
			return new PipeServerSettings(this);
		}

		private long requirePositive(long value, String name) {
			if (value < 1) {
				throw new IllegalArgumentException(
						"Channel '" + this.channel + "': " + name + " must be at least 1, got " + value);
			}
			return value;
		}

		private static String requireText(String value, String name) {
			if (value == null || value.isBlank()) {
				throw new IllegalArgumentException("'" + name + "' must not be empty");
			}
			return value;
		}

	}

}
