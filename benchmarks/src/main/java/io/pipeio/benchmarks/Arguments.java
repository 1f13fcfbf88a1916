package io.pipeio.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Minimal command-line parsing: positional arguments, {@code --flag} and
 * {@code --name value}.
 *
 * @author pipe-io
 */
final class Arguments {

	private final List<String> positional = new ArrayList<>();

	private final List<String> options = new ArrayList<>();

	Arguments(List<String> args) {
		this(args, Set.of());
	}

	/**
	 * Parse arguments.
	 * @param args the arguments
	 * @param flags the options that take no value (so the argument after them stays
	 * positional)
	 */
	Arguments(List<String> args, Set<String> flags) {
		for (int i = 0; i < args.size(); i++) {
			String arg = args.get(i);
			if (arg.startsWith("--")) {
				String name = arg;
				String value = null;
				int equals = arg.indexOf('=');
				if (equals > 0) {
					name = arg.substring(0, equals);
					value = arg.substring(equals + 1);
				}
				else if (!flags.contains(arg) && i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
					value = args.get(i + 1);
				}
				this.options.add(name);
				this.options.add(value);
				if (value != null && equals < 0) {
					i++;
				}
			}
			else {
				this.positional.add(arg);
			}
		}
	}

	/**
	 * Fail on an option nobody reads: a mistyped or unknown option (such as
	 * {@code --help} after a command) must not start a run of several minutes with the
	 * defaults.
	 * @param known every option the command reads
	 * @throws IllegalArgumentException naming the first unknown option and the known ones
	 */
	void requireKnown(Set<String> known) {
		for (int i = 0; i < this.options.size(); i += 2) {
			String name = this.options.get(i);
			if (!known.contains(name)) {
				throw new IllegalArgumentException(
						"unknown option " + name + "; known: " + String.join(" ", new TreeSet<>(known)));
			}
		}
	}

	String positional(int index, String name) {
		if (index >= this.positional.size()) {
			throw new IllegalArgumentException("missing argument " + name);
		}
		return this.positional.get(index);
	}

	boolean flag(String name) {
		return this.options.contains(name);
	}

	String option(String name, String defaultValue) {
		int index = this.options.indexOf(name);
		if (index < 0) {
			return defaultValue;
		}
		String value = this.options.get(index + 1);
		if (value == null) {
			throw new IllegalArgumentException(name + " needs a value");
		}
		return value;
	}

	int intOption(String name, int defaultValue) {
		return (int) longOption(name, defaultValue);
	}

	long longOption(String name, long defaultValue) {
		String value = option(name, null);
		return (value != null) ? parseCount(value) : defaultValue;
	}

	long sizeOption(String name, long defaultValue) {
		String value = option(name, null);
		return (value != null) ? parseSize(value) : defaultValue;
	}

	/** Accepts 5000000, 5_000_000, 5M, 200k. */
	static long parseCount(String value) {
		return withMultiplier(value.replace("_", "").trim().toLowerCase(Locale.ROOT), 1_000, 1_000_000, 0);
	}

	/** Accepts 16777216, 16MB, 16m, 64KB, 64k. */
	static long parseSize(String value) {
		String text = value.trim().toLowerCase(Locale.ROOT).replace("_", "");
		if (text.endsWith("b")) {
			text = text.substring(0, text.length() - 1);
		}
		return withMultiplier(text, 1024, 1024 * 1024, 1024L * 1024 * 1024);
	}

	/**
	 * Parse a number with an optional {@code k}, {@code m} or {@code g} suffix.
	 * @param text the lower-case text
	 * @param kilo the factor of {@code k}
	 * @param mega the factor of {@code m}
	 * @param giga the factor of {@code g}, or 0 where {@code g} is not accepted (counts
	 * never took it)
	 * @return the value
	 */
	private static long withMultiplier(String text, long kilo, long mega, long giga) {
		char unit = text.isEmpty() ? ' ' : text.charAt(text.length() - 1);
		long factor = switch (unit) {
			case 'k' -> kilo;
			case 'm' -> mega;
			case 'g' -> giga;
			default -> 0;
		};
		return (factor > 0) ? Long.parseLong(text.substring(0, text.length() - 1)) * factor : Long.parseLong(text);
	}

}
