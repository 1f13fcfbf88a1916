package io.pipeio.server;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * {@link HotPathCalls} through the foreign function API of Java 22: one downcall handle
 * per function, each capturing {@code errno} into a segment of the calling thread's own.
 * Pointers and sizes are passed as 64-bit integers, which is how the C calling
 * conventions of 64-bit Linux pass them; on another address size the handles are not
 * made and JNA makes the calls.
 *
 * @author pipe-io
 */
final class ForeignCalls implements HotPathCalls {

	private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();

	private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

	private static final MethodHandle READ;

	private static final MethodHandle WRITE;

	private static final MethodHandle EPOLL_CTL;

	private static final MethodHandle EPOLL_WAIT;

	static {
		if (ValueLayout.ADDRESS.byteSize() != Long.BYTES) {
			throw new IllegalStateException("Pointers are not 64 bits here");
		}
		Linker linker = Linker.nativeLinker();
		SymbolLookup libc = linker.defaultLookup();
		Linker.Option errno = Linker.Option.captureCallState("errno");
		ValueLayout.OfInt cInt = ValueLayout.JAVA_INT;
		ValueLayout.OfLong cLong = ValueLayout.JAVA_LONG;
		// Constants (static finals), so that the JIT inlines each downcall's stub.
		READ = linker.downcallHandle(libc.find("read").orElseThrow(), FunctionDescriptor.of(cLong, cInt, cLong, cLong),
				errno);
		WRITE = linker.downcallHandle(libc.find("write").orElseThrow(),
				FunctionDescriptor.of(cLong, cInt, cLong, cLong), errno);
		EPOLL_CTL = linker.downcallHandle(libc.find("epoll_ctl").orElseThrow(),
				FunctionDescriptor.of(cInt, cInt, cInt, cInt, cLong), errno);
		EPOLL_WAIT = linker.downcallHandle(libc.find("epoll_wait").orElseThrow(),
				FunctionDescriptor.of(cInt, cInt, cLong, cInt, cInt), errno);
	}

	/** Where each thread's calls leave their errno; freed with the thread's map. */
	private static final ThreadLocal<MemorySegment> CALL_STATES = ThreadLocal
		.withInitial(() -> Arena.ofAuto().allocate(CALL_STATE));

	@Override
	public long read(int fd, long buffer, long count) {
		try {
			return (long) READ.invokeExact(CALL_STATES.get(), fd, buffer, count);
		}
		catch (Throwable ex) {
			throw failed("read", ex);
		}
	}

	@Override
	public long write(int fd, long buffer, long count) {
		try {
			return (long) WRITE.invokeExact(CALL_STATES.get(), fd, buffer, count);
		}
		catch (Throwable ex) {
			throw failed("write", ex);
		}
	}

	@Override
	public int epollCtl(int epfd, int op, int fd, long event) {
		try {
			return (int) EPOLL_CTL.invokeExact(CALL_STATES.get(), epfd, op, fd, event);
		}
		catch (Throwable ex) {
			throw failed("epoll_ctl", ex);
		}
	}

	@Override
	public int epollWait(int epfd, long events, int maxEvents, int timeout) {
		try {
			return (int) EPOLL_WAIT.invokeExact(CALL_STATES.get(), epfd, events, maxEvents, timeout);
		}
		catch (Throwable ex) {
			throw failed("epoll_wait", ex);
		}
	}

	@Override
	public int lastError() {
		return (int) ERRNO.get(CALL_STATES.get(), 0L);
	}

	/** A downcall throws nothing of its own: only what the JVM throws (out of memory). */
	private static RuntimeException failed(String call, Throwable ex) {
		if (ex instanceof Error error) {
			throw error;
		}
		return new IllegalStateException(call + " failed", ex);
	}

}
