package io.pipeio.server;

import java.lang.reflect.InvocationTargetException;

import org.jspecify.annotations.Nullable;

/**
 * The C library calls of the event loop's hot path through the JDK's foreign function
 * API, where the JDK has it (22 and later): a call costs about 300 ns less than through
 * JNA's direct mapping ({@link DirectCalls}), and a ping-pong round trip makes four of
 * them. The implementation is compiled for Java 22 into the same package and loaded by
 * name, so that this library still runs on Java 17, where {@link #INSTANCE} is
 * {@code null} and JNA makes the calls. Setting the system property
 * {@value #DISABLE_PROPERTY} to {@code false} makes JNA make them on any JDK.
 * <p>
 * A failed call returns {@code -1}, and {@link #lastError()} then tells the {@code errno}
 * it left on the calling thread, as with {@link DirectCalls}. Pointers are passed as
 * addresses: the event loop's buffers are JNA memory.
 *
 * @author pipe-io
 */
interface ForeignCalls {

	/** The system property that switches the foreign function API off when false. */
	String DISABLE_PROPERTY = "io.pipeio.foreign-calls";

	/** The calls, or {@code null} where JNA makes them. */
	@Nullable ForeignCalls INSTANCE = load();

	long read(int fd, long buffer, long count);

	long write(int fd, long buffer, long count);

	int epollCtl(int epfd, int op, int fd, long event);

	int epollWait(int epfd, long events, int maxEvents, int timeout);

	/**
	 * @return the {@code errno} of the calling thread's last call that returned -1
	 */
	int lastError();

	private static @Nullable ForeignCalls load() {
		// A native image would need the downcalls registered ahead of time: JNA there.
		if (Runtime.version().feature() < 22 || "false".equals(System.getProperty(DISABLE_PROPERTY))
				|| System.getProperty("org.graalvm.nativeimage.imagecode") != null) {
			return null;
		}
		try {
			// Absent from a build made on a JDK before 22.
			Class<?> type = Class.forName(ForeignCalls.class.getPackageName() + ".ForeignCallsJdk22");
			return (ForeignCalls) type.getDeclaredConstructor().newInstance();
		}
		catch (ClassNotFoundException | NoSuchMethodException | InstantiationException | IllegalAccessException
				| InvocationTargetException | LinkageError | RuntimeException ex) {
			// No C library to link, native access denied: JNA makes the calls.
			return null;
		}
	}

}
