package io.pipeio.testsupport;

/**
 * Throws a checked exception from a method that does not declare it, as Kotlin code, or
 * Java code with a sneaky throw, may: callbacks that do must do no more harm than those
 * throwing a {@link RuntimeException}.
 */
public final class Undeclared {

	private Undeclared() {
	}

	/**
	 * Throw the exception, whatever it is, undeclared.
	 * @param ex the exception
	 * @return never; typed so that a caller may write {@code throw Undeclared.raise(ex)}
	 * @param <T> inferred as an unchecked type, which it is not
	 * @throws T the exception
	 */
	@SuppressWarnings("unchecked")
	public static <T extends Throwable> RuntimeException raise(Throwable ex) throws T {
		throw (T) ex;
	}

}
