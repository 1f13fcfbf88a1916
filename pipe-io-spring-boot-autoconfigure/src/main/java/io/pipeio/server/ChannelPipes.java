package io.pipeio.server;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;

/**
 * The two opened FIFOs of a running channel, with the knowledge of which of them this
 * server created, the repair of a pipe deleted or replaced on disk, and the order in
 * which a stop ends their threads. The in pipe's readers are {@link InPipeReaders}.
 *
 * @author pipe-io
 */
final class ChannelPipes {

	/** How long the out pipe's repair waits, over rounds, for a busy writer. */
	private static final long BUSY_WRITER_NANOS = TimeUnit.SECONDS.toNanos(5);

	/** How long {@link #discardUnread} waits for queued lines to be written first. */
	private static final long DISCARD_WAIT_NANOS = TimeUnit.SECONDS.toNanos(2);

	private final PipeServerSettings settings;

	private final LineDispatcher dispatcher;

	private final PipeTransport transport;

	private final InPipeReaders inbound;

	private final PipeWriter outbound;

	/**
	 * {@link System#nanoTime()} the out pipe's repair first found the writer busy, or 0.
	 */
	private long writerBusySince;

	private @Nullable PipeFile createdOut;

	private ChannelPipes(PipeServerSettings settings, PipeTransport transport, LineDispatcher dispatcher,
			Consumer<Throwable> onFailure, UsableFifo in, @Nullable PipeFile createdOut, PipeWriter outbound)
			throws IOException {
		this.settings = settings;
		this.transport = transport;
		this.dispatcher = dispatcher;
		this.createdOut = createdOut;
		this.outbound = outbound;
		try {
			this.inbound = new InPipeReaders(settings, transport, in, dispatcher, onFailure);
		}
		catch (IOException | RuntimeException ex) {
			this.outbound.abort();
			throw ex;
		}
	}

	/**
	 * Check both directories and paths, then create (managed) and open both FIFOs. If
	 * anything at a path is not usable, nothing on disk has been touched when this
	 * throws.
	 */
	static ChannelPipes open(PipeServerSettings settings, LineDispatcher dispatcher, SendQueue queue,
			ChannelStatistics statistics, LostLines lostLines, Consumer<Throwable> onFailure) throws IOException {
		String channel = settings.getChannel();
		boolean managed = settings.isManagePipes();
		UsableFifo.checkDirectory(channel, settings.getInPath());
		UsableFifo.checkDirectory(channel, settings.getOutPath());
		PipeFile in = PipeFiles.check(channel, "in", settings.getInPath(), managed);
		PipeFile out = PipeFiles.check(channel, "out", settings.getOutPath(), managed);
		PipeTransport transport = PipeTransport.open(settings);
		UsableFifo usableIn = null;
		UsableFifo usableOut = null;
		UsableFifo outToWriter = null;
		try {
			usableIn = UsableFifo.atStart(settings, in, "in");
			usableOut = UsableFifo.atStart(settings, out, "out");
			// From here the writer owns the out pipe's descriptor, also if it fails to
			// open, and closes it once it has ended. Closed here as well, it could be
			// closed while a worker of the event loop still writes to its number, which
			// by then may name another file.
			outToWriter = usableOut;
			PipeWriter outbound = transport.openWriter(usableOut.fifo(), settings, queue, statistics, lostLines,
					onFailure);
			return new ChannelPipes(settings, transport, dispatcher, onFailure, usableIn, usableOut.owned(), outbound);
		}
		catch (IOException | RuntimeException ex) {
			UsableFifo.discard(usableIn);
			if (outToWriter != null) {
				outToWriter.removeIfCreated();
			}
			else {
				UsableFifo.discard(usableOut);
			}
			transport.release(0);
			throw ex;
		}
	}

	/**
	 * Reopen a pipe that was deleted or replaced on disk, or whose thread died.
	 * @param paths whether to look at the pipes' paths too (a system call each), not only
	 * at the threads or loop that serve them
	 * @param replacingOut run just before the writer lets go of a replaced out pipe:
	 * before its reader can see the pipe's end
	 * @param recreated told of each path that was deleted or replaced and is served
	 * again, and whether this server created the FIFO it serves now
	 * @return {@code false} if a repair was put off to a later check (the writer is busy)
	 * @throws IOException if a pipe cannot be repaired now (the caller marks the channel
	 * failed)
	 */
	boolean repair(boolean paths, Runnable replacingOut, BiConsumer<Path, Boolean> recreated) throws IOException {
		this.inbound.repair(paths, recreated);
		// Its failure is known before the thread is gone: the channel must not look
		// recovered meanwhile.
		if (!this.outbound.isAlive() || this.outbound.failure() != null) {
			Throwable cause = this.outbound.failure();
			throw new IOException("The writer thread of channel '" + this.settings.getChannel() + "' ended"
					+ ((cause != null) ? ": " + cause : "") + "; restart the channel", cause);
		}
		if (paths && !this.outbound.file().isStillThere()) {
			if (writerBusy()) {
				return false; // tried again next round, not waited for on the watchdog
			}
			PipeFile out = PipeFile.inspect(this.settings.getOutPath());
			UsableFifo usable = UsableFifo.replacing(this.settings, out, "out");
			try {
				replacingOut.run();
				this.outbound.replace(usable.fifo());
			}
			catch (IOException | RuntimeException ex) {
				usable.discard();
				throw ex;
			}
			this.createdOut = usable.owned();
			recreated.accept(out.path(), usable.created());
		}
		return true;
	}

	/**
	 * @param in a FIFO found at the in pipe's path
	 * @param out a FIFO found at the out pipe's path
	 * @return whether they are the very FIFOs served now
	 */
	boolean serves(PipeFile in, PipeFile out) {
		return this.inbound.serves(in) && this.outbound.file().isSameFile(out);
	}

	/**
	 * Whether the out pipe's repair must wait for a thread that holds the writer. Waiting
	 * here would hold up the watchdog, which every channel shares, and a stop of the
	 * channel; a writer held for longer than {@link #BUSY_WRITER_NANOS} fails the repair.
	 */
	private boolean writerBusy() throws IOException {
		if (!this.outbound.isBusy()) {
			this.writerBusySince = 0;
			return false;
		}
		long now = System.nanoTime();
		if (this.writerBusySince == 0) {
			this.writerBusySince = now;
		}
		else if (now - this.writerBusySince > BUSY_WRITER_NANOS) {
			this.writerBusySince = 0;
			throw new IOException("Cannot switch to a re-created out pipe " + this.settings.getOutPath()
					+ ": a thread writing to the old one did not let go");
		}
		return true;
	}

	/**
	 * Pause: make sure no reader takes more bytes from the in pipe.
	 */
	void holdBackReaders() {
		this.inbound.holdBack();
	}

	/**
	 * Resume: readers that left the in pipe alone while paused read again.
	 */
	void resumeReaders() {
		this.inbound.resume();
	}

	/**
	 * Set a mark at the end of what the in pipe holds now: see
	 * {@link InPipeReaders#fence}.
	 * @param reached run once the reader reaches the mark
	 * @return the mark
	 * @throws IOException if the pipe cannot be asked what it holds
	 */
	InputFence fenceInput(Runnable reached) throws IOException {
		return this.inbound.fence(reached);
	}

	/**
	 * Give back the transport, once {@link #shutdown} returned.
	 * @param timeoutMillis how long to wait for an event loop that ends to do so
	 */
	void releaseTransport(long timeoutMillis) {
		this.transport.release(timeoutMillis);
	}

	/**
	 * End every thread by a deadline. Readers go first: they finish the chunk being
	 * dispatched and dispatch what is still in the pipe (so replies to lines clients
	 * wrote before the stop are queued) unless that takes more than half the time; then
	 * the dispatcher refuses further lines (the readers count them as dropped) and a
	 * handler still running is interrupted; a reader waiting for room in a full queue
	 * gives up at that point too. A reader that still does not end is abandoned (and
	 * renamed so). The writer then writes what is queued while time allows and is
	 * aborted, releasing a write blocked on a full pipe, if not done by then.
	 * @param queue the send queue, closed once the readers are done
	 * @param deadline {@link System#nanoTime()} by which to return
	 * @throws InterruptedException if interrupted; every thread has been told to end
	 */
	void shutdown(SendQueue queue, long deadline) throws InterruptedException {
		long reserve = Math.min(100, remainingMillis(deadline) / 10);
		try {
			long readersMillis = remainingMillis(deadline) / 2;
			queue.limitWaits(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(readersMillis));
			// Readers first: they drain what is in the pipe while the dispatcher still
			// takes lines.
			this.inbound.close();
			if (this.dispatcher.isPaused()) {
				// a paused channel handles nothing more: its lines are counted
				this.dispatcher.close();
			}
			if (!this.inbound.join(readersMillis)) {
				this.dispatcher.close();
				this.inbound.interrupt();
				if (!this.inbound.join(Math.min(reserve, remainingMillis(deadline)))) {
					this.inbound.abandon();
				}
			}
			this.dispatcher.close();
			queue.close();
			if (!this.outbound.join(remainingMillis(deadline) - reserve)) {
				this.outbound.abort();
				// The reserve is the aborted writer's: it hands what it could not write
				// to the listener, on a machine that may be busy.
				this.outbound.join(remainingMillis(deadline));
			}
		}
		catch (InterruptedException ex) {
			this.dispatcher.close();
			this.inbound.interrupt();
			// Closed before the writer ends: a handler still running places its replies
			// when its chunk ends, and they must be refused (and counted), not queued for
			// nobody.
			queue.close();
			this.outbound.abort();
			throw ex;
		}
	}

	static long remainingMillis(long deadline) {
		return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
	}

	/** Remove the FIFOs this server created, if they are still the same files. */
	void removeCreated() {
		PipeFiles.removeAtStop(this.inbound.created(), this.settings.getChannel());
		PipeFiles.removeAtStop(this.createdOut, this.settings.getChannel());
	}

	/**
	 * Throw away what waits unread in the out pipe, also what the writer still writes
	 * there for a moment (bounded): see {@link PipeWriter#discardUnread(boolean)}.
	 * @param queuedBytes the bytes still queued or being written
	 * @return the lines thrown away
	 */
	long discardUnread(LongSupplier queuedBytes) throws IOException {
		return UnreadOutLines.discardOnceWritten(this.outbound::discardUnread, queuedBytes, DISCARD_WAIT_NANOS);
	}

}
