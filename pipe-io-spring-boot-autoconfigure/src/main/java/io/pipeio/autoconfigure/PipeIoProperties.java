package io.pipeio.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

/**
 * Configuration of pipe-io channels. Validates itself when bound, so a bad value fails
 * startup with a message that names the property and the fix.
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
	 * application: "$XDG_RUNTIME_DIR/pipe-io/<spring.application.name>" when
	 * XDG_RUNTIME_DIR is set, else
	 * "<java.io.tmpdir>/pipe-io-<uid>/<spring.application.name>". It, and every ancestor,
	 * must not be writable by other users (unless sticky) nor belong to another user.
	 */
	private @Nullable String directory;

	/**
	 * Permissions of the directories pipe-io creates for pipes, as in "ls -l"; applied
	 * exactly, whatever the umask. The owner needs rwx and nobody else may write; for
	 * example rwx--x--- lets a plug-in running as another user of the group reach FIFOs
	 * whose permissions allow it.
	 */
	private String directoryPermissions = "rwx------";

	/**
	 * How channels wait on their pipes: "event-loop" (one epoll thread for all channels,
	 * or pipe-io.event-loop.threads of them; lines handled on a pool of worker threads,
	 * or on the loop for listeners measured fast, see a channel's dispatch; an idle
	 * channel costs no thread and two file descriptors; Linux only), "threads" (two
	 * threads per channel, wherever FIFOs work) or "auto" (the event loop where its
	 * native calls load, else threads).
	 */
	private String engine = "auto";

	/**
	 * Channels by name. Each channel is an in pipe the application reads lines from and
	 * an out pipe it writes lines to; a key it leaves out comes from
	 * pipe-io.channel-defaults.
	 */
	private final Map<String, PipeChannelProperties> channels = new LinkedHashMap<>();

	/**
	 * Settings of every channel that the channel does not set itself.
	 */
	@NestedConfigurationProperty
	private final PipeChannelDefaults channelDefaults = new PipeChannelDefaults();

	private final Observation observation = new Observation();

	private final EventLoop eventLoop = new EventLoop();

	private final Template template = new Template();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public @Nullable String getDirectory() {
		return this.directory;
	}

	public void setDirectory(@Nullable String directory) {
		this.directory = directory;
	}

	public String getDirectoryPermissions() {
		return this.directoryPermissions;
	}

	public void setDirectoryPermissions(String directoryPermissions) {
		this.directoryPermissions = directoryPermissions;
	}

	public String getEngine() {
		return this.engine;
	}

	public void setEngine(String engine) {
		this.engine = engine;
	}

	public Map<String, PipeChannelProperties> getChannels() {
		return this.channels;
	}

	public PipeChannelDefaults getChannelDefaults() {
		return this.channelDefaults;
	}

	public Observation getObservation() {
		return this.observation;
	}

	public EventLoop getEventLoop() {
		return this.eventLoop;
	}

	public Template getTemplate() {
		return this.template;
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
	 * Return the base directory of relative pipe paths for an application named
	 * "application".
	 * @return the configured directory, or the default for this user
	 * @see #determineDirectory(String)
	 */
	Path determineDirectory() {
		return determineDirectory(DEFAULT_APPLICATION_NAME);
	}

	/**
	 * Return the base directory of relative pipe paths. Unless configured, every user and
	 * every application has its own, so two applications on one machine never share pipes
	 * by accident and no other user can prepare the directory for them.
	 * @param applicationName the application's name ({@code spring.application.name})
	 * @return the configured directory, or the default for this user and application
	 */
	Path determineDirectory(String applicationName) {
		if (this.directory != null) {
			// A file system path, relative to the working directory. Not bound as a Path:
			// Spring resolves a relative Path as a resource of the application context,
			// which in a web application puts "." in the servlet container's document
			// root.
			return FileSystemPaths.parse("pipe-io.directory", this.directory).toAbsolutePath().normalize();
		}
		String runtimeDirectory = System.getenv("XDG_RUNTIME_DIR");
		Path base = (runtimeDirectory != null && !runtimeDirectory.isBlank()) ? Path.of(runtimeDirectory, "pipe-io")
				: Path.of(System.getProperty("java.io.tmpdir"), "pipe-io-" + currentUser());
		return base.resolve(applicationName).toAbsolutePath().normalize();
	}

	/**
	 * Return whether a type is a group of pipe-io keys (such as a channel's) rather than
	 * a value.
	 * @param type the type of a property
	 * @return whether its keys are properties of their own
	 */
	static boolean isGroup(Class<?> type) {
		return type.getEnclosingClass() == PipeIoProperties.class || type == PipeChannelProperties.class
				|| type == PipeChannelDefaults.class || type == PipePluginProperties.class
				|| type.getEnclosingClass() == PipePluginProperties.class || type == PipeRetryProperties.class
				|| type == PipeDeadLetterProperties.class;
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
		 * Whether each listener call is a "pipeio.listener" observation, so traces cover
		 * it. By default on when Micrometer Tracing is configured (a Tracer bean exists),
		 * off otherwise: an observation costs about a microsecond per line, and the
		 * pipeio.listener timer is recorded either way.
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
	 * The event loop engine.
	 */
	public static class EventLoop {

		/**
		 * How many event loop threads wait on the pipes, each on some of the channels
		 * (those that start are placed on the loop with the fewest). One costs the fewest
		 * threads and suffices unless many busy channels keep it busy; more spread that
		 * epoll work over cores, up to one per available processor (1 to 256 are
		 * accepted). A listener runs on worker threads, or on its loop once measured fast
		 * (a channel's dispatch says which), and then holds up that loop's other channels
		 * while it runs. Ignored on the threads engine.
		 */
		private int threads = 1;

		public int getThreads() {
			return this.threads;
		}

		public void setThreads(int threads) {
			this.threads = threads;
		}

	}

	/**
	 * The auto-configured PipeTemplate.
	 */
	public static class Template {

		/**
		 * How long the request methods that take no timeout wait for an answer (send and
		 * receive, their conversions).
		 */
		private Duration replyTimeout = Duration.ofSeconds(30);

		public Duration getReplyTimeout() {
			return this.replyTimeout;
		}

		public void setReplyTimeout(Duration replyTimeout) {
			this.replyTimeout = replyTimeout;
		}

	}

}
