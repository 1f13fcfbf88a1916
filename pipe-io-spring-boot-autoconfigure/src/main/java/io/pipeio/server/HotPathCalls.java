package io.pipeio.server;

import java.lang.reflect.InvocationTargetException;

import org.jspecify.annotations.Nullable;

/**
 * The C library calls of the event loop's hot path, chosen once for the JVM: through the
 * JDK's foreign function API where the JDK has it (22 and later, {@code ForeignCalls}),
 * else through JNA's direct mapping ({@link DirectCalls}), else none, and {@link Posix}
 * and {@link Epoll} make them through JNA's interface proxy. The foreign calls cost about
 * 300 ns less a call than the direct mapping, and a ping-pong round trip makes four of
 * them. Their implementation is compiled for Java 22 into the same package and loaded by
 * name, so that this library still runs on Java 17. Setting the system property
 * {@value #FOREIGN_CALLS_PROPERTY} to {@code false} leaves them out on any JDK.
 * <p>
 * A failed call returns {@code -1}, and {@link #lastError()} then tells the {@code errno}
 * it left on the calling thread, so the {@code EAGAIN} that ends every turn costs no
 * exception. Pointers are passed as addresses (both ways need 64-bit pointers): the event
 * loop's buffers are JNA memory, which the caller keeps reachable during the call.
 *
 * @author pipe-io
 */
interface HotPathCalls {

	/** The system property that leaves the foreign function API out when false. */
	String FOREIGN_CALLS_PROPERTY = "io.pipeio.foreign-calls";

	/** The calls, or {@code null} where only JNA's interface proxy can make them. */
	@Nullable HotPathCalls INSTANCE = choose();

	long read(int fd, long buffer, long count);

	long write(int fd, long buffer, long count);

	int epollCtl(int epfd, int op, int fd, long event);

	int epollWait(int epfd, long events, int maxEvents, int timeout);

	/**
	 * @return the {@code errno} of the calling thread's last call that returned -1
	 */
	int lastError();

	private static @Nullable HotPathCalls choose() {
		HotPathCalls foreign = foreign();
		if (foreign != null) {
			return foreign;
		}
		return DirectCalls.AVAILABLE ? DirectCalls.calls() : null;
	}

	private static @Nullable HotPathCalls foreign() {
		// A native image would need the downcalls registered ahead of time: JNA there.
		if (Runtime.version().feature() < 22 || "false".equals(System.getProperty(FOREIGN_CALLS_PROPERTY))
				|| System.getProperty("org.graalvm.nativeimage.imagecode") != null) {
			return null;
		}
		try {
			// Absent from a build made on a JDK before 22.
			Class<?> type = Class.forName(HotPathCalls.class.getPackageName() + ".ForeignCalls");
			return (HotPathCalls) type.getDeclaredConstructor().newInstance();
		}
		catch (ClassNotFoundException | NoSuchMethodException | InstantiationException | IllegalAccessException
				| InvocationTargetException | LinkageError | RuntimeException ex) {
			// No C library to link, native access denied: JNA makes the calls.
			return null;
		}
	}

}
