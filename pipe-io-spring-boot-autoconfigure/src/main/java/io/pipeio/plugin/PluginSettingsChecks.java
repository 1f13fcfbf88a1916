package io.pipeio.plugin;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.pipeio.server.Durations;
import org.jspecify.annotations.Nullable;

/**
 * Checks {@link PluginSettings}, naming the property of each wrong value and its fix; the
 * program of the command too, so that a wrong one fails at start rather than at each
 * launch.
 *
 * @author pipe-io
 */
final class PluginSettingsChecks {

	private PluginSettingsChecks() {
	}

	/**
	 * Check settings: every wrong value at once.
	 * @param settings the settings
	 * @param prefix the property prefix, such as {@code pipe-io.channels.thumbs.plugin}
	 * @return the problems, each naming its property and the fix; empty if none
	 */
	static List<String> problems(PluginSettings settings, String prefix) {
		List<String> problems = new ArrayList<>();
		Path workingDirectory = settings.workingDirectory();
		Path directory = (workingDirectory != null) ? workingDirectory : Path.of("");
		boolean directoryExists = Files.isDirectory(directory);
		if (!directoryExists) {
			problems.add(prefix + ".working-directory " + directory.toAbsolutePath() + " is not a directory; create"
					+ " it, or give an existing one (a relative path is taken from the application's working"
					+ " directory)");
		}
		if (settings.command().isEmpty() || settings.command().get(0).isBlank()) {
			problems.add(prefix + ".command must name the program to run, such as [python3, plugins/thumbs.py]");
		}
		else if (directoryExists) {
			String problem = checkExecutable(prefix + ".command", settings.command().get(0), directory);
			if (problem != null) {
				problems.add(problem);
			}
		}
		positive(prefix + ".backoff.initial", settings.backoffInitial(), problems);
		positive(prefix + ".backoff.max", settings.backoffMax(), problems);
		positive(prefix + ".restart-window", settings.restartWindow(), problems);
		positive(prefix + ".stop-timeout", settings.stopTimeout(), problems);
		Duration restartWhenUnanswered = settings.restartWhenUnanswered();
		if (restartWhenUnanswered != null) {
			positive(prefix + ".restart-when-unanswered", restartWhenUnanswered, problems);
		}
		if (settings.backoffMax().compareTo(settings.backoffInitial()) < 0 && !settings.backoffMax().isNegative()
				&& !settings.backoffMax().isZero()) {
			problems
				.add(prefix + ".backoff.max (" + Durations.format(settings.backoffMax()) + ") must not be less than "
						+ prefix + ".backoff.initial (" + Durations.format(settings.backoffInitial()) + ")");
		}
		if (!(settings.backoffMultiplier() >= 1.0)) {
			problems.add(prefix + ".backoff.multiplier must be at least 1, not " + settings.backoffMultiplier()
					+ "; use 2 to double the wait after each restart");
		}
		if (settings.maxRestarts() < 0) {
			problems.add(prefix + ".max-restarts must not be negative, not " + settings.maxRestarts()
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

	/**
	 * Check the program of a command.
	 * @param property the property of the command, for messages
	 * @param program the program: a path if it has a slash, else a name on the
	 * {@code PATH}
	 * @param directory the plug-in's working directory, which a relative path starts from
	 * @return the problem and its fix, or {@code null} if the program can be run
	 */
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
