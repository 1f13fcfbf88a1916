package io.pipeio.server;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.reflect.Field;
import java.util.Arrays;

/**
 * Reaches into a running server's in pipe reader, for the race tests: they hold a thread
 * in the moment they test by holding the monitor of the pipe's {@link FifoDescriptor},
 * which the reader takes right after it read the end of the pipe.
 */
final class ReaderInternals {

	private ReaderInternals() {
	}

	/**
	 * @return the reader of the server's in pipe, on either engine
	 */
	static PipeReader reader(PipeServer server) throws ReflectiveOperationException {
		Object pipes = field(PipeServer.class, "pipes").get(server);
		Object readers = field(ChannelPipes.class, "inbound").get(pipes);
		return (PipeReader) field(InPipeReaders.class, "current").get(readers);
	}

	/**
	 * @return the descriptor of the server's in pipe, whose monitor its reader takes
	 */
	static FifoDescriptor inFifo(PipeServer server) throws ReflectiveOperationException {
		PipeReader reader = reader(server);
		if (reader instanceof EventLoopReader) {
			return ((InPipeDescriptor) field(EventLoopReader.class, "in").get(reader)).fifo();
		}
		return (FifoDescriptor) field(InboundPipe.class, "fifo").get(reader);
	}

	/**
	 * @return the value of a field of an object, private or not
	 */
	static Object get(Object owner, Class<?> type, String name) throws ReflectiveOperationException {
		return field(type, name).get(owner);
	}

	/**
	 * @return whether a thread waits to enter the monitor of a {@link FifoDescriptor}
	 */
	static boolean isThreadBlockedOn(FifoDescriptor monitor) {
		int identity = System.identityHashCode(monitor);
		return Arrays.stream(ManagementFactory.getThreadMXBean().dumpAllThreads(false, false))
			.filter((info) -> info.getThreadState() == Thread.State.BLOCKED)
			.map(ThreadInfo::getLockInfo)
			.anyMatch((lock) -> lock != null && lock.getIdentityHashCode() == identity
					&& lock.getClassName().equals(FifoDescriptor.class.getName()))
				|| TestPipes.liveVirtualWorkers().stream().anyMatch(ReaderInternals::isBlockedInAFifo);
	}

	/**
	 * A virtual worker, which the thread dump leaves out, blocked entering a
	 * {@link FifoDescriptor}'s monitor: the only one the races' threads can block on.
	 */
	private static boolean isBlockedInAFifo(Thread worker) {
		StackTraceElement[] stack = worker.getStackTrace();
		return worker.getState() == Thread.State.BLOCKED && stack.length > 0
				&& stack[0].getClassName().equals(FifoDescriptor.class.getName());
	}

	private static Field field(Class<?> type, String name) throws NoSuchFieldException {
		Field field = type.getDeclaredField(name);
		field.setAccessible(true);
		return field;
	}

}
