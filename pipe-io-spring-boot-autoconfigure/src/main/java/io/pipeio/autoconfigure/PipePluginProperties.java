package io.pipeio.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.pipeio.plugin.PluginSettings;
import io.pipeio.plugin.RestartPolicy;
import org.jspecify.annotations.Nullable;

/**
 * The plug-in process of a channel: {@code pipe-io.channels.<name>.plugin.*}. Its stdin
 * reads the channel's out pipe and its stdout writes the in pipe (stdio mode), so
 * {@code readline} and {@code print} are the whole protocol.
 *
 * @author pipe-io
 */
public class PipePluginProperties {

	/**
	 * The program and its arguments, run without a shell. Required.
	 */
	private List<String> command = new ArrayList<>();

	/**
	 * Working directory of the plug-in, relative to the application's working directory
	 * unless absolute. Defaults to the application's working directory.
	 */
	private @Nullable String workingDirectory;

	/**
	 * Variables added to the environment the plug-in inherits.
	 */
	private Map<String, String> environment = new LinkedHashMap<>();

	/**
	 * Whether the plug-in's stdin reads the channel's out pipe and its stdout writes the
	 * in pipe. PIPE_IO_IN, PIPE_IO_OUT and PIPE_IO_CHANNEL are set either way.
	 */
	private boolean stdio = true;

	/**
	 * When an exited plug-in is started again: always, on-failure or never.
	 */
	private RestartPolicy restart = RestartPolicy.ON_FAILURE;

	private final Backoff backoff = new Backoff();

	/**
	 * Restarts allowed within the restart window; one more and the plug-in is FAILED.
	 */
	private int maxRestarts = 10;

	/**
	 * The window of max-restarts.
	 */
	private Duration restartWindow = Duration.ofMinutes(5);

	/**
	 * How long the plug-in and its descendants have after SIGTERM before SIGKILL.
	 */
	private Duration stopTimeout = Duration.ofSeconds(5);

	/**
	 * How long a request that timed out may wait for its answer, from when it was sent,
	 * before the plug-in is ended as if it had failed and restarted as 'restart' says: a
	 * plug-in that is stuck, or skipped an answer, then gets back in step by itself. Not
	 * set: it is left running (health is DOWN while the request waits).
	 */
	private @Nullable Duration restartWhenUnanswered;

	public List<String> getCommand() {
		return this.command;
	}

	public void setCommand(List<String> command) {
		this.command = command;
	}

	public @Nullable String getWorkingDirectory() {
		return this.workingDirectory;
	}

	public void setWorkingDirectory(@Nullable String workingDirectory) {
		this.workingDirectory = workingDirectory;
	}

	public Map<String, String> getEnvironment() {
		return this.environment;
	}

	public void setEnvironment(Map<String, String> environment) {
		this.environment = environment;
	}

	public boolean isStdio() {
		return this.stdio;
	}

	public void setStdio(boolean stdio) {
		this.stdio = stdio;
	}

	public RestartPolicy getRestart() {
		return this.restart;
	}

	public void setRestart(RestartPolicy restart) {
		this.restart = restart;
	}

	public Backoff getBackoff() {
		return this.backoff;
	}

	public int getMaxRestarts() {
		return this.maxRestarts;
	}

	public void setMaxRestarts(int maxRestarts) {
		this.maxRestarts = maxRestarts;
	}

	public Duration getRestartWindow() {
		return this.restartWindow;
	}

	public void setRestartWindow(Duration restartWindow) {
		this.restartWindow = restartWindow;
	}

	public Duration getStopTimeout() {
		return this.stopTimeout;
	}

	public void setStopTimeout(Duration stopTimeout) {
		this.stopTimeout = stopTimeout;
	}

	public @Nullable Duration getRestartWhenUnanswered() {
		return this.restartWhenUnanswered;
	}

	public void setRestartWhenUnanswered(@Nullable Duration restartWhenUnanswered) {
		this.restartWhenUnanswered = restartWhenUnanswered;
	}

	/**
	 * Check the values and create the engine's settings.
	 * @param prefix the property prefix, such as {@code pipe-io.channels.thumbs.plugin}
	 * @return the settings
	 * @throws IllegalArgumentException naming the property of a wrong value
	 */
	PluginSettings toSettings(String prefix) {
		requireValue(prefix + ".restart", this.restart);
		requireValue(prefix + ".backoff.initial", this.backoff.initial);
		requireValue(prefix + ".backoff.max", this.backoff.max);
		requireValue(prefix + ".restart-window", this.restartWindow);
		requireValue(prefix + ".stop-timeout", this.stopTimeout);
		// Not bound as a Path, which Spring resolves as a resource of the application
		// context: in a web application "." is then the servlet container's document
		// root.
		Path directory = (this.workingDirectory != null)
				? FileSystemPaths.parse(prefix + ".working-directory", this.workingDirectory)
					.toAbsolutePath()
					.normalize()
				: null;
		PluginSettings settings = new PluginSettings(this.command, directory, this.environment, this.stdio,
				this.restart, this.backoff.initial, this.backoff.max, this.backoff.multiplier, this.maxRestarts,
				this.restartWindow, this.stopTimeout, this.restartWhenUnanswered);
		settings.validate(prefix);
		return settings;
	}

	private static void requireValue(String property, @Nullable Object value) {
		if (value == null) {
			throw new IllegalArgumentException(property + " must be set");
		}
	}

	/**
	 * The wait before a restart: {@code initial}, multiplied by {@code multiplier} after
	 * each restart up to {@code max}, back to {@code initial} after a run longer than
	 * {@code max}.
	 */
	public static class Backoff {

		/**
		 * The first wait before a restart.
		 */
		private Duration initial = Duration.ofMillis(500);

		/**
		 * The longest wait before a restart.
		 */
		private Duration max = Duration.ofSeconds(30);

		/**
		 * How the wait grows from one restart to the next.
		 */
		private double multiplier = 2.0;

		public Duration getInitial() {
			return this.initial;
		}

		public void setInitial(Duration initial) {
			this.initial = initial;
		}

		public Duration getMax() {
			return this.max;
		}

		public void setMax(Duration max) {
			this.max = max;
		}

		public double getMultiplier() {
			return this.multiplier;
		}

		public void setMultiplier(double multiplier) {
			this.multiplier = multiplier;
		}

	}

}
