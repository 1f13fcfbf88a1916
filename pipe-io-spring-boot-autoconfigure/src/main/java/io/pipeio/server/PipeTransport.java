package io.pipeio.server;

import java.io.IOException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * Opens the readers and writers of a channel's pipes for the engine its settings choose:
 * a thread per pipe ({@link InboundPipe}, {@link OutboundPipe}) or one loop of the shared
 * {@link EventLoopGroup} ({@link EventLoopReader}, {@link EventLoopWriter}), the same for
 * all the channel's pipes. Everything above it, the dispatcher, the send queue and the
 * stop sequence of {@link ChannelPipes}, is the same for both.
 *
 * @author pipe-io
 */
final class PipeTransport {

	private final @Nullable EventLoop loop;

	/** The factory of the workers the channel chose, held with the loop. */
	private final @Nullable ThreadFactory workerThreads;

	private final AtomicBoolean released = new AtomicBoolean();

	private PipeTransport(@Nullable EventLoop loop, @Nullable ThreadFactory workerThreads) {
		this.loop = loop;
		this.workerThreads = workerThreads;
	}

	/**
	 * The transport of a starting channel; give it back with {@link #release(long)}.
	 * @param settings the channel settings
	 * @return the transport
	 * @throws IOException if the event loop engine was chosen and cannot run here
	 */
	static PipeTransport open(PipeServerSettings settings) throws IOException {
		if (resolve(settings.getEngine()) != PipeEngine.EVENT_LOOP) {
			return new PipeTransport(null, null);
		}
		ThreadFactory workerThreads = settings.getWorkerThreads();
		return new PipeTransport(EventLoopGroup.acquire(settings.getEventLoops(), workerThreads), workerThreads);
	}

	/**
	 * Tell which engine runs for a setting.
	 * @param engine the setting
	 * @return {@link PipeEngine#EVENT_LOOP} or {@link PipeEngine#THREADS}
	 * @throws IOException if the event loop was asked for and cannot run here
	 */
	static PipeEngine resolve(PipeEngine engine) throws IOException {
		Throwable unavailable = Epoll.unavailable();
		return switch (engine) {
			case THREADS -> PipeEngine.THREADS;
			case AUTO -> (unavailable == null) ? PipeEngine.EVENT_LOOP : PipeEngine.THREADS;
			case EVENT_LOOP -> {
				if (unavailable != null) {
					throw new IOException("The event-loop engine needs epoll (Linux) through JNA, which is not"
							+ " available here (" + unavailable + "); choose the threads or auto engine", unavailable);
				}
				yield PipeEngine.EVENT_LOOP;
			}
		};
	}

	PipeReader openReader(FifoDescriptor fifo, boolean removedAtStop, PipeServerSettings settings,
			LineDispatcher dispatcher, BiConsumer<PipeReader, Throwable> onFailure) throws IOException {
		EventLoop eventLoop = this.loop;
		return (eventLoop != null)
				? EventLoopReader.open(fifo, removedAtStop, settings, dispatcher, eventLoop, onFailure)
				: InboundPipe.open(fifo, removedAtStop, settings, dispatcher, onFailure);
	}

	PipeWriter openWriter(FifoDescriptor fifo, PipeServerSettings settings, SendQueue queue,
			ChannelStatistics statistics, LostLines lostLines, Consumer<Throwable> onFailure) throws IOException {
		EventLoop eventLoop = this.loop;
		return (eventLoop != null)
				? EventLoopWriter.open(fifo, settings, queue, statistics, lostLines, eventLoop, onFailure)
				: OutboundPipe.open(fifo, settings, queue, statistics, lostLines, onFailure);
	}

	/**
	 * Give back what the transport holds: the last channel on the event loop ends it, and
	 * the last channel that chose a worker thread factory ends that factory's workers.
	 * @param timeoutMillis how long to wait for the loop's thread to end
	 */
	void release(long timeoutMillis) {
		EventLoop eventLoop = this.loop;
		if (eventLoop != null && this.released.compareAndSet(false, true)) {
			eventLoop.release(this.workerThreads, timeoutMillis);
		}
	}

}
