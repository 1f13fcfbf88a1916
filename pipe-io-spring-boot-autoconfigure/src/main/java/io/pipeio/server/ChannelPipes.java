package io.pipeio.server;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * The two opened FIFOs of a running channel, with the knowledge of which of them this server
 * created, and the repair of a pipe deleted or replaced on disk.
 *
 * @author pipe-io
 */
final class ChannelPipes {

	private final PipeServerSettings settings;

	private final LineDispatcher dispatcher;

	private final Consumer<IOException> onFailure;

	private final List<InboundPipe> retired = new ArrayList<>();

	private InboundPipe inbound;

	private final OutboundPipe outbound;

	private @Nullable PipeFile createdIn;

	private @Nullable PipeFile createdOut;

	private ChannelPipes(PipeServerSettings settings, LineDispatcher dispatcher, Consumer<IOException> onFailure,
			PipeFile in, @Nullable PipeFile createdIn, PipeFile out, @Nullable PipeFile createdOut,
			SendQueue queue, ChannelStatistics statistics) throws IOException {
		this.settings = settings;
		this.dispatcher = dispatcher;
		this.onFailure = onFailure;
		this.createdIn = createdIn;
		this.createdOut = createdOut;
		this.outbound = OutboundPipe.open(out, settings, queue, statistics, onFailure);
		try {
			this.inbound = InboundPipe.open(in, settings, dispatcher, this::readerFailed);
		}
		catch (IOException | RuntimeException ex) {
			this.outbound.abort();
			throw ex;
		}
	}

	/**
	 * Check both paths, then create (managed) and open both FIFOs. If anything at a path is not
	 * usable, nothing on disk has been touched when this throws.
	 */
	static ChannelPipes open(PipeServerSettings settings, LineDispatcher dispatcher, SendQueue queue,
			ChannelStatistics statistics, Consumer<IOException> onFailure) throws IOException {
		String channel = settings.getChannel();
		boolean managed = settings.isManagePipes();
		PipeFile in = PipeFiles.check(channel, "in", settings.getInPath(), managed);
		PipeFile out = PipeFiles.check(channel, "out", settings.getOutPath(), managed);
		PipeFile createdIn = null;
		PipeFile createdOut = null;
		try {
			if (managed) {
				createdIn = PipeFiles.create(in.path(), in, settings);
				createdOut = PipeFiles.create(out.path(), out, settings);
			}
			return new ChannelPipes(settings, dispatcher, onFailure, (createdIn != null) ? createdIn : in,
					createdIn, (createdOut != null) ? createdOut : out, createdOut, queue, statistics);
		}
		catch (IOException | RuntimeException ex) {
			PipeFiles.removeIfSame(createdIn);
			PipeFiles.removeIfSame(createdOut);
			throw ex;
		}
	}

	/**
	 * Reopen a pipe that was deleted or replaced on disk, or whose thread died.
	 * @param recreated told of each path that was re-created and reopened
	 * @throws IOException if a pipe cannot be repaired now (the caller marks the channel failed)
	 */
	void repair(Consumer<Path> recreated) throws IOException {
		this.retired.removeIf((pipe) -> !pipe.isAlive());
		PipeFile in = PipeFile.inspect(this.settings.getInPath());
		if (!in.isSameFile(this.inbound.file()) || !this.inbound.isAlive()) {
			PipeFile usable = in;
			if (!in.isSameFile(this.inbound.file())) {
				usable = usable(in, "in");
				this.createdIn = (usable != in) ? usable : null;
			}
			InboundPipe replacement = InboundPipe.open(usable, this.settings, this.dispatcher, this::readerFailed);
			this.inbound.retire();
			this.retired.add(this.inbound);
			this.inbound = replacement;
			recreated.accept(usable.path());
		}
		PipeFile out = PipeFile.inspect(this.settings.getOutPath());
		if (!this.outbound.isAlive()) {
			throw new IOException("The writer thread of channel '" + this.settings.getChannel() + "' ended");
		}
		if (!out.isSameFile(this.outbound.file())) {
			PipeFile usable = usable(out, "out");
			this.createdOut = (usable != out) ? usable : null;
			this.outbound.replace(usable);
			recreated.accept(usable.path());
		}
	}

	/** A FIFO at the path, created if missing and managed; never touches anything else. */
	private PipeFile usable(PipeFile found, String role) throws IOException {
		PipeFile checked = PipeFiles.check(this.settings.getChannel(), role, found.path(),
				this.settings.isManagePipes());
		return checked.isMissing() ? PipeFiles.create(found.path(), checked, this.settings) : checked;
	}

	private void readerFailed(InboundPipe pipe, IOException ex) {
		if (pipe == this.inbound) {
			this.onFailure.accept(ex);
		}
	}

	/** Stop reading: no new chunk is read; a chunk being dispatched is finished. */
	void closeReaders() {
		this.inbound.close();
		this.retired.forEach(InboundPipe::close);
	}

	/** Interrupt readers still inside the handler. */
	void interruptReaders() {
		this.inbound.interrupt();
		this.retired.forEach(InboundPipe::interrupt);
	}

	boolean joinReaders(long millis) throws InterruptedException {
		long deadline = System.nanoTime() + millis * 1_000_000;
		boolean ended = this.inbound.join(millis);
		for (InboundPipe pipe : this.retired) {
			ended &= pipe.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
		}
		return ended;
	}

	OutboundPipe outbound() {
		return this.outbound;
	}

	/** Remove the FIFOs this server created, if they are still the same files. */
	void removeCreated() {
		PipeFiles.removeIfSame(this.createdIn);
		PipeFiles.removeIfSame(this.createdOut);
	}

}
