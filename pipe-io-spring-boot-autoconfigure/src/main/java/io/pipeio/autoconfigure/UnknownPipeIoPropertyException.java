package io.pipeio.autoconfigure;

import java.util.List;

/**
 * Thrown when a key under {@code pipe-io} is not a property, so that a typo fails startup
 * instead of being ignored.
 *
 * @author pipe-io
 */
public final class UnknownPipeIoPropertyException extends RuntimeException {

	private final List<String> problems;

	UnknownPipeIoPropertyException(List<String> problems) {
		super(String.join("\n", problems));
		this.problems = List.copyOf(problems);
	}

	/**
	 * Return one problem per unknown key, each naming the key, where it was set and the
	 * valid keys.
	 * @return the problems
	 */
	public List<String> getProblems() {
		return this.problems;
	}

}
