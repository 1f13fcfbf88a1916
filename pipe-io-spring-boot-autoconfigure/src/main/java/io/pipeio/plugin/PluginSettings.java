package io.pipeio.plugin;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * How to run the plug-in process of a channel ({@code pipe-io.channels.<name>.plugin.*}).
 *
 * @param command the program and its arguments (no shell)
 * @param workingDirectory where it runs, or {@code null} for the application's working
 * directory
 * @param environment variables added to the inherited environment
 * @param stdio whether its stdin reads the channel's out pipe and its stdout writes the
 * in pipe
 * @param restart when it is started again after it exited
 * @param backoffInitial the first wait before a restart
 * @param backoffMax the longest wait; a run longer than this resets the wait to the first
 * one
 * @param backoffMultiplier how the wait grows from one restart to the next
 * @param maxRestarts how many restarts within {@code restartWindow} are allowed before
 * FAILED
 * @param restartWindow the window of {@code maxRestarts}
 * @param stopTimeout how long the processes have after SIGTERM before SIGKILL
 * @param restartWhenUnanswered how long a request that timed out may wait for its answer,
 * from when it was sent, before the plug-in is ended as if it had failed (and restarted
 * as {@code restart} says); {@code null} to leave it running
 * @author pipe-io
 */
public record PluginSettings(List<String> command, @Nullable Path workingDirectory, Map<String, String> environment,
		boolean stdio, RestartPolicy restart, Duration backoffInitial, Duration backoffMax, double backoffMultiplier,
		int maxRestarts, Duration restartWindow, Duration stopTimeout, @Nullable Duration restartWhenUnanswered) {

	/**
	 * Create settings.
	 */
	public PluginSettings {
		command = List.copyOf(command);
		environment = Map.copyOf(environment);
		Objects.requireNonNull(restart, "restart");
		Objects.requireNonNull(backoffInitial, "backoffInitial");
		Objects.requireNonNull(backoffMax, "backoffMax");
		Objects.requireNonNull(restartWindow, "restartWindow");
		Objects.requireNonNull(stopTimeout, "stopTimeout");
	}

	/**
	 * Create settings of a plug-in that is left running while a request waits for its
	 * answer.
	 * @param command the program and its arguments (no shell)
	 * @param workingDirectory where it runs, or {@code null}
	 * @param environment variables added to the inherited environment
	 * @param stdio whether its stdin and stdout are the channel's pipes
	 * @param restart when it is started again after it exited
	 * @param backoffInitial the first wait before a restart
	 * @param backoffMax the longest wait
	 * @param backoffMultiplier how the wait grows
	 * @param maxRestarts how many restarts within {@code restartWindow} are allowed
	 * @param restartWindow the window of {@code maxRestarts}
	 * @param stopTimeout how long the processes have after SIGTERM before SIGKILL
	 */
	public PluginSettings(List<String> command, @Nullable Path workingDirectory, Map<String, String> environment,
			boolean stdio, RestartPolicy restart, Duration backoffInitial, Duration backoffMax,
			double backoffMultiplier, int maxRestarts, Duration restartWindow, Duration stopTimeout) {
		this(command, workingDirectory, environment, stdio, restart, backoffInitial, backoffMax, backoffMultiplier,
				maxRestarts, restartWindow, stopTimeout, null);
	}

	/**
	 * Settings with the defaults: stdio, restart on failure, backoff 500ms to 30s
	 * doubling, 10 restarts in 5 minutes, 5s to stop.
	 * @param command the program and its arguments
	 * @return the settings
	 */
	public static PluginSettings of(List<String> command) {
		return new PluginSettings(command, null, Map.of(), true, RestartPolicy.ON_FAILURE, Duration.ofMillis(500),
				Duration.ofSeconds(30), 2.0, 10, Duration.ofMinutes(5), Duration.ofSeconds(5));
	}

	/**
	 * Start settings with the defaults of {@link #of}, to change some of them.
	 * @param command the program and its arguments (no shell)
	 * @return the builder
	 */
	public static Builder builder(List<String> command) {
		return of(command).toBuilder();
	}

	/**
	 * Start settings with these ones, to change some of them.
	 * @return the builder
	 */
	public Builder toBuilder() {
		return new Builder(this);
	}

	/**
	 * @param policy the restart policy
	 * @param initial the first wait
	 * @param max the longest wait
	 * @param multiplier the growth of the wait
	 * @param restarts the restarts allowed within the window
	 * @param window the window
	 * @return a copy with this restart behaviour
	 */
	public PluginSettings withRestart(RestartPolicy policy, Duration initial, Duration max, double multiplier,
			int restarts, Duration window) {
		return new PluginSettings(this.command, this.workingDirectory, this.environment, this.stdio, policy, initial,
				max, multiplier, restarts, window, this.stopTimeout, this.restartWhenUnanswered);
	}

	/**
	 * @param timeout the stop timeout
	 * @return a copy with this stop timeout
	 */
	public PluginSettings withStopTimeout(Duration timeout) {
		return new PluginSettings(this.command, this.workingDirectory, this.environment, this.stdio, this.restart,
				this.backoffInitial, this.backoffMax, this.backoffMultiplier, this.maxRestarts, this.restartWindow,
				timeout, this.restartWhenUnanswered);
	}

	/**
	 * @param unanswered how long a request that timed out may wait for its answer, from
	 * when it was sent, before the plug-in is ended as if it had failed; {@code null} to
	 * leave it running
	 * @return a copy that ends a plug-in that leaves a request unanswered this long
	 */
	public PluginSettings withRestartWhenUnanswered(@Nullable Duration unanswered) {
		return new PluginSettings(this.command, this.workingDirectory, this.environment, this.stdio, this.restart,
				this.backoffInitial, this.backoffMax, this.backoffMultiplier, this.maxRestarts, this.restartWindow,
				this.stopTimeout, unanswered);
	}

	/**
	 * @param directory the working directory, or {@code null}
	 * @param variables added environment variables
	 * @param stdio whether stdin/stdout are the channel's pipes
	 * @return a copy with this process environment
	 */
	public PluginSettings withProcess(@Nullable Path directory, Map<String, String> variables, boolean stdio) {
		return new PluginSettings(this.command, directory, variables, stdio, this.restart, this.backoffInitial,
				this.backoffMax, this.backoffMultiplier, this.maxRestarts, this.restartWindow, this.stopTimeout,
				this.restartWhenUnanswered);
	}

	/**
	 * Check the settings, naming the property of a wrong value.
	 * @param prefix the property prefix, such as {@code pipe-io.channels.thumbs.plugin}
	 * @throws IllegalArgumentException naming the property and the fix of each wrong
	 * value, one a line
	 */
	public void validate(String prefix) {
		List<String> problems = problems(prefix);
		if (!problems.isEmpty()) {
			throw new IllegalArgumentException(String.join(System.lineSeparator(), problems));
		}
	}

	/**
	 * Check the settings: every wrong value at once, so that a start that fails names all
	 * there is to fix.
	 * @param prefix the property prefix, such as {@code pipe-io.channels.thumbs.plugin}
	 * @return the problems, each naming its property and the fix; empty if none
	 */
	public List<String> problems(String prefix) {
		return PluginSettingsChecks.problems(this, prefix);
	}

	/**
	 * Builds {@link PluginSettings}, starting from given ones. Not thread-safe.
	 */
	public static final class Builder {

		private final List<String> command;

		private @Nullable Path workingDirectory;

		private Map<String, String> environment;

		private boolean stdio;

		private RestartPolicy restart;

		private Duration backoffInitial;

		private Duration backoffMax;

		private double backoffMultiplier;

		private int maxRestarts;

		private Duration restartWindow;

		private Duration stopTimeout;

		private @Nullable Duration restartWhenUnanswered;

		private Builder(PluginSettings settings) {
			this.command = settings.command;
			this.workingDirectory = settings.workingDirectory;
			this.environment = settings.environment;
			this.stdio = settings.stdio;
			this.restart = settings.restart;
			this.backoffInitial = settings.backoffInitial;
			this.backoffMax = settings.backoffMax;
			this.backoffMultiplier = settings.backoffMultiplier;
			this.maxRestarts = settings.maxRestarts;
			this.restartWindow = settings.restartWindow;
			this.stopTimeout = settings.stopTimeout;
			this.restartWhenUnanswered = settings.restartWhenUnanswered;
		}

		/**
		 * Set where the plug-in runs.
		 * @param directory the working directory, or {@code null} for the application's
		 * @return this builder
		 */
		public Builder workingDirectory(@Nullable Path directory) {
			this.workingDirectory = directory;
			return this;
		}

		/**
		 * Set the variables added to the inherited environment.
		 * @param variables the variables, by name
		 * @return this builder
		 */
		public Builder environment(Map<String, String> variables) {
			Objects.requireNonNull(variables, "variables");
			this.environment = variables;
			return this;
		}

		/**
		 * Set whether the plug-in's stdin reads the channel's out pipe and its stdout
		 * writes the in pipe.
		 * @param stdio {@code false} for a plug-in that opens the FIFOs itself
		 * @return this builder
		 */
		public Builder stdio(boolean stdio) {
			this.stdio = stdio;
			return this;
		}

		/**
		 * Set when the plug-in is started again after it exited.
		 * @param policy the policy
		 * @return this builder
		 */
		public Builder restart(RestartPolicy policy) {
			Objects.requireNonNull(policy, "policy");
			this.restart = policy;
			return this;
		}

		/**
		 * Set the wait before a restart.
		 * @param initial the first wait
		 * @param max the longest wait; a run longer than this resets the wait to the
		 * first one
		 * @param multiplier how the wait grows from one restart to the next
		 * @return this builder
		 */
		public Builder backoff(Duration initial, Duration max, double multiplier) {
			Objects.requireNonNull(initial, "initial");
			Objects.requireNonNull(max, "max");
			this.backoffInitial = initial;
			this.backoffMax = max;
			this.backoffMultiplier = multiplier;
			return this;
		}

		/**
		 * Set how many restarts are allowed in a window before the plug-in is FAILED.
		 * @param restarts the restarts allowed
		 * @param window the window
		 * @return this builder
		 */
		public Builder maxRestarts(int restarts, Duration window) {
			Objects.requireNonNull(window, "window");
			this.maxRestarts = restarts;
			this.restartWindow = window;
			return this;
		}

		/**
		 * Set how long the processes have after SIGTERM before SIGKILL.
		 * @param timeout the stop timeout
		 * @return this builder
		 */
		public Builder stopTimeout(Duration timeout) {
			Objects.requireNonNull(timeout, "timeout");
			this.stopTimeout = timeout;
			return this;
		}

		/**
		 * Set how long a request that timed out may wait for its answer, from when it was
		 * sent, before the plug-in is ended as if it had failed.
		 * @param unanswered the limit, or {@code null} to leave the plug-in running
		 * @return this builder
		 */
		public Builder restartWhenUnanswered(@Nullable Duration unanswered) {
			this.restartWhenUnanswered = unanswered;
			return this;
		}

		/**
		 * Build the settings; {@link PluginSettings#validate} checks their values.
		 * @return the settings
		 */
		public PluginSettings build() {
			return new PluginSettings(this.command, this.workingDirectory, this.environment, this.stdio, this.restart,
					this.backoffInitial, this.backoffMax, this.backoffMultiplier, this.maxRestarts, this.restartWindow,
					this.stopTimeout, this.restartWhenUnanswered);
		}

	}

}
