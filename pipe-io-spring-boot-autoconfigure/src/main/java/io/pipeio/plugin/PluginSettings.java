package io.pipeio.plugin;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.pipeio.server.Durations;
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
	 * Settings with the defaults of the issue: stdio, restart on failure, backoff 500ms
	 * to 30s doubling, 10 restarts in 5 minutes, 5s to stop.
	 * @param command the program and its arguments
	 * @return the settings
	 */
	public static PluginSettings of(List<String> command) {
		return new PluginSettings(command, null, Map.of(), true, RestartPolicy.ON_FAILURE, Duration.ofMillis(500),
				Duration.ofSeconds(30), 2.0, 10, Duration.ofMinutes(5), Duration.ofSeconds(5));
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
		List<String> problems = new ArrayList<>();
		Path directory = (this.workingDirectory != null) ? this.workingDirectory : Path.of("");
		boolean directoryExists = Files.isDirectory(directory);
		if (!directoryExists) {
			problems.add(prefix + ".working-directory " + directory.toAbsolutePath() + " is not a directory; create"
					+ " it, or give an existing one (a relative path is taken from the application's working"
					+ " directory)");
		}
		if (this.command.isEmpty() || this.command.get(0).isBlank()) {
			problems.add(prefix + ".command must name the program to run, such as [python3, plugins/thumbs.py]");
		}
		else if (directoryExists) {
			String problem = checkExecutable(prefix + ".command", this.command.get(0), directory);
			if (problem != null) {
				problems.add(problem);
			}
		}
		positive(prefix + ".backoff.initial", this.backoffInitial, problems);
		positive(prefix + ".backoff.max", this.backoffMax, problems);
		positive(prefix + ".restart-window", this.restartWindow, problems);
		positive(prefix + ".stop-timeout", this.stopTimeout, problems);
		if (this.restartWhenUnanswered != null) {
			positive(prefix + ".restart-when-unanswered", this.restartWhenUnanswered, problems);
		}
		if (this.backoffMax.compareTo(this.backoffInitial) < 0 && !this.backoffMax.isNegative()
				&& !this.backoffMax.isZero()) {
			problems.add(prefix + ".backoff.max (" + Durations.format(this.backoffMax) + ") must not be less than "
					+ prefix + ".backoff.initial (" + Durations.format(this.backoffInitial) + ")");
		}
		if (!(this.backoffMultiplier >= 1.0)) {
			problems.add(prefix + ".backoff.multiplier must be at least 1, not " + this.backoffMultiplier
					+ "; use 2 to double the wait after each restart");
		}
		if (this.maxRestarts < 0) {
			problems.add(prefix + ".max-restarts must not be negative, not " + this.maxRestarts
					+ "; use 0 for no restart within the window");
		}
		return problems;
	}

	private static void positive(String property, Duration value, List<String> problems) {
		if (value.isNegative() || value.isZero()) {
			problems
				.add(property + " must be positive, not " + Durations.format(value) + "; use a duration such as 5s");
		}
	}

	private static @Nullable String checkExecutable(String property, String program, Path directory) {
		if (program.contains("/")) {
			Path path = directory.resolve(program);
			if (!Files.isRegularFile(path)) {
				return (property + ": " + path.toAbsolutePath()
						+ (Files.isDirectory(path) ? " is a directory, not a program" : " does not exist")
						+ "; give the program's path, absolute or relative to the plug-in's working directory"
						+ commandHint(program));
			}
			if (!Files.isExecutable(path)) {
				return (property + ": " + path.toAbsolutePath()
						+ " is not executable; chmod +x it, or run it through its interpreter: [bash, " + program
						+ "]");
			}
			return null;
		}
		String searchPath = Objects.requireNonNullElse(System.getenv("PATH"), "");
		for (String entry : searchPath.split(File.pathSeparator)) {
			Path candidate = Path.of(entry.isEmpty() ? "." : entry).resolve(program);
			if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
				return null;
			}
		}
		return (property + ": '" + program + "' is not an executable on the PATH (" + searchPath
				+ "); give its full path" + commandHint(program));
	}

	/**
	 * A program with a space is most often a whole command line given as one value: the
	 * command is a list, run without a shell.
	 */
	private static String commandHint(String program) {
		if (!program.strip().contains(" ")) {
			return "";
		}
		String[] words = program.strip().split("\\s+");
		return ". The command is a list of the program and its arguments, run without a shell: write ["
				+ String.join(", ", words) + "] rather than one string";
	}

}
