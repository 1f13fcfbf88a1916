package io.pipeio.core;

import java.io.IOException;
import java.nio.charset.Charset;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.pipeio.converter.PipeMessageConverter;
import io.pipeio.deadletter.DeadLetterFile;
import io.pipeio.plugin.PluginObserver;
import io.pipeio.plugin.PluginSupervisor;
import io.pipeio.server.ChannelStatistics;
import io.pipeio.server.PipeServer;
import io.pipeio.server.PipeServerListener;
import io.pipeio.server.PipeServerState;
import io.pipeio.server.ReplySink;
import org.jspecify.annotations.Nullable;

/**
 * One configured channel: its {@link PipeServer}, its listener and the way replies and
 * failures are handled. Obtained from the {@link PipeChannelRegistry}.
 *
 * @author pipe-io
 */
public final class PipeChannel implements PipeChannelContext {

	/**
	 * What the engine's stop gets at least after the plug-in's: time to read what the
	 * plug-in wrote before it was killed.
	 */
	private static final long MIN_DRAIN_NANOS = 100_000_000L;

	/**
	 * The most of its timeout a channel's stop keeps from the plug-in's SIGTERM grace,
	 * for the SIGKILL of one that ignores it and the drain of what it wrote: a quarter of
	 * the timeout, at most this. Without it the stop ends the kill's length past its
	 * timeout, and the registry's stop (which waits a quarter second beyond it) returns
	 * with the channel still stopping when the machine is busy.
	 */
	private static final long MAX_KILL_RESERVE_NANOS = 1_000_000_000L;

	private final String name;

	private final PipeChannelSettings settings;

	private final PipeServer server;

	private final PipeMessageConverter converter;

	final ReplySequencer replies;

	/**
	 * The engine's reply sink, known once a line brought it (the engine keeps one per
	 * channel): the error handler's reply to a failed line goes there too.
	 */
	volatile @Nullable ReplySink replySink;

	final ChannelRequests requests;

	/** What the listener side counts; the engine's statistics read and add it in. */
	final ListenerStatistics counts;

	final ChannelListener listener;

	private final @Nullable ChannelPlugin plugin;

	/**
	 * Held by a start and a stop: a stop between the engine's start and the plug-in's
	 * would leave the plug-in to be launched on pipes nobody serves (its stdin's open
	 * then waits for a writer for good).
	 */
	private final Object lifecycle = new Object();

	/** How many stops there were; guarded by {@link #lifecycle}. */
	private int stops;

	final LineFailures failures;

	final UnheardLines unheardLines;

	PipeChannel(String name, PipeChannelSettings settings, PipeMessageConverter converter,
			PipeErrorHandler errorHandler, PipeServerListener serverListener, List<PluginObserver> pluginObservers,
			@Nullable DeadLetterFile deadLetters) {
		this.name = name;
		this.settings = settings;
		this.converter = converter;
		this.requests = new ChannelRequests(this, settings.server());
		this.counts = new ListenerStatistics(settings.retry().maxAttempts() > 1, deadLetters != null);
		this.listener = new ChannelListener(this, errorHandler);
		this.failures = new LineFailures(this, settings.retry(), deadLetters);
		this.replies = new ReplySequencer(this::sendReply, this.failures::failed, this.failures::replyFailed,
				this.failures::errorReplyFailed);
		this.server = new PipeServer(settings.server(), new ChannelLineHandler(this),
				new CompositePipeServerListener((settings.plugin() != null)
						? List.of(serverListener, this.failures, new PluginOutPipe.Events(this::pluginOutPipe))
						: List.of(serverListener, this.failures)));
		this.unheardLines = new UnheardLines(name, settings.server().getInPath(), this.counts);
		this.plugin = (settings.plugin() != null) ? new ChannelPlugin(this, this.server, pluginObservers) : null;
	}

	private @Nullable PluginOutPipe pluginOutPipe() {
		return (this.plugin != null) ? this.plugin.outPipe() : null;
	}

	/**
	 * @return the supervisor of the channel's plug-in process, or {@code null} if it has
	 * none
	 */
	public @Nullable PluginSupervisor getPlugin() {
		return (this.plugin != null) ? this.plugin.supervisor() : null;
	}

	@Override
	public String getName() {
		return this.name;
	}

	@Override
	public Charset getCharset() {
		return this.settings.charset();
	}

	/**
	 * @return the channel's settings
	 */
	public PipeChannelSettings getSettings() {
		return this.settings;
	}

	/**
	 * @return a description of the listener (such as the method), or {@code null} if none
	 */
	public @Nullable String getListenerDescription() {
		return this.listener.description();
	}

	/**
	 * @return whether a listener receives the channel's lines
	 */
	boolean hasListener() {
		return this.listener.chain() != null;
	}

	/**
	 * @return the engine state; see also {@link #isPaused()}
	 */
	public PipeServerState getState() {
		return this.server.getState();
	}

	/**
	 * @return why the channel last failed, or {@code null}
	 */
	public @Nullable Throwable getLastFailure() {
		return this.server.getLastFailure();
	}

	/**
	 * @return whether the channel is running
	 */
	public boolean isRunning() {
		PipeServerState state = this.server.getState();
		return state == PipeServerState.RUNNING || state == PipeServerState.FAILED;
	}

	/**
	 * @return whether incoming lines are left in the pipe
	 */
	public boolean isPaused() {
		return this.server.isPaused();
	}

	/**
	 * Tell whether the channel's listener takes no line until its owner starts (a stopped
	 * integration adapter, see {@link PipeListenerEndpoint#isAcceptingLines()}): the
	 * channel stays paused until then, also when an operator resumes it.
	 * @return whether the listener is stopped
	 */
	public boolean isListenerStopped() {
		return this.listener.isWaitingForItsOwner();
	}

	/**
	 * @return the channel's counters
	 */
	public ChannelStatistics getStatistics() {
		return this.server.getStatistics();
	}

	/**
	 * @return how many outgoing lines wait to be written
	 */
	public int getSendQueueSize() {
		return this.server.getSendQueueSize();
	}

	/**
	 * @return how many bytes of outgoing lines wait to be written, queued or being
	 * written
	 */
	public long getSendQueueBytes() {
		return this.server.getSendQueueBytes();
	}

	/**
	 * @return since when the channel waits for a client to read its out pipe, or
	 * {@code null}
	 */
	public @Nullable Instant getWaitingForReaderSince() {
		return this.server.getWaitingForReaderSince();
	}

	/**
	 * Return since when the oldest request (see {@link #request(byte[])}) waits for its
	 * answer after its caller timed it out: the other end is late, stuck, or skipped an
	 * answer, which shifts every later answer onto the request before its own.
	 * @return when that request was sent, or {@code null} while the oldest waiting
	 * request has not timed out
	 */
	public @Nullable Instant getUnansweredRequestSince() {
		return this.requests.unansweredSince();
	}

	/**
	 * Start the channel: create (when managed) and open its pipes.
	 * @throws PipeChannelStartException if the pipes cannot be used, naming the path and
	 * what is there
	 */
	public void start() {
		synchronized (this.lifecycle) {
			int stopsBefore = this.stops;
			this.failures.start();
			try {
				this.server.start();
			}
			catch (IOException ex) {
				throw new PipeChannelStartException(this.name, this.settings.server().getInPath(),
						this.settings.server().getOutPath(), ex);
			}
			// Not if a listener of the engine's start stopped the channel on this thread:
			// the plug-in would be launched on pipes nobody serves.
			if (this.plugin != null && this.stops == stopsBefore) {
				try {
					// once the pipes are open: the plug-in's stdio are them
					this.plugin.supervisor().start();
				}
				catch (RuntimeException | Error ex) {
					// nobody stops a channel that did not start: nothing of it may run on
					stop(Duration.ofSeconds(1));
					throw ex;
				}
			}
		}
	}

	/**
	 * Stop the channel, writing queued lines while the timeout allows.
	 * @param timeout the longest this may take
	 */
	public void stop(Duration timeout) {
		synchronized (this.lifecycle) {
			long deadline = System.nanoTime() + timeout.toNanos();
			this.stops++;
			this.failures.stopping();
			if (this.plugin != null) {
				// The plug-in goes first; then the channel drains what it wrote until
				// EOF. SIGKILL within the timeout at the latest, and early enough for the
				// kill and the drain to end within it too: the application may exit once
				// it is over, and the plug-in must not outlive it.
				long reserve = Math.max(0, Math.min(timeout.toNanos() / 4, MAX_KILL_RESERVE_NANOS));
				this.plugin.supervisor().stop(timeout.minusNanos(reserve));
			}
			this.server.stop(Duration.ofNanos(Math.max(deadline - System.nanoTime(), MIN_DRAIN_NANOS)));
			// Asynchronous replies had until now; none waits into the next start, where
			// it would hold up every reply behind it.
			this.replies.release();
			this.requests.failAll(PipeRequestOutcome.ERROR, "channel '" + this.name + "' stopped", () -> {
			});
		}
	}

	/** Leave incoming lines in the pipe until {@link #resume()}. */
	public void pause() {
		this.server.pause();
	}

	/**
	 * Deliver incoming lines again, unless the channel was paused through
	 * {@link PipeChannelRegistry#pause(String)} (an operator, the {@code pipeio}
	 * endpoint): then only {@link PipeChannelRegistry#resume(String)} resumes it.
	 */
	public void resume() {
		this.listener.resume();
	}

	/**
	 * Queue a line for the out pipe. The array is queued, not copied: it must not be
	 * changed until the line is written.
	 * @param line the line, without newline
	 */
	public void send(byte[] line) {
		this.server.send(line);
	}

	/**
	 * Queue a text line, encoded with the channel charset, for the out pipe.
	 * @param line the line, without newline
	 */
	public void send(String line) {
		this.server.send(encode(line));
	}

	/**
	 * Encode a text line with the channel's charset.
	 * @param text the text
	 * @return its bytes
	 * @throws IllegalArgumentException if the charset cannot encode it: it is not written
	 * altered, with '?' in place of what it cannot encode
	 */
	byte[] encode(String text) {
		return LineEncoding.encode(text, getCharset(), this.name);
	}

	/**
	 * Queue a line and return a future completed once it is written. The array is queued,
	 * not copied: it must not be changed until then.
	 * @param line the line, without newline
	 * @return the future
	 */
	public CompletableFuture<Void> sendAsync(byte[] line) {
		return this.server.sendAsync(line);
	}

	/**
	 * Send a request line; the n-th line the other end writes while requests wait answers
	 * the n-th request. Lines arriving while no request waits go to the listener.
	 * @param line the request line, without newline
	 * @return completed with the answer line; the caller times it out (the place is
	 * kept). Failed at once if the channel's plug-in exited and is not restarted: nothing
	 * reads the request until someone restarts it.
	 * @throws io.pipeio.server.PipeSendException if the line cannot be queued
	 */
	public CompletableFuture<byte[]> request(byte[] line) {
		return this.requests.send(line);
	}

	@Override
	public void reply(byte[] line) {
		send(line);
	}

	@Override
	public void reply(String line) {
		send(line);
	}

	/**
	 * Convert a reply or payload to the bytes of a line.
	 * @param payload a {@code byte[]}, a {@code String} (channel charset) or an object to
	 * convert
	 * @return the line
	 */
	byte[] toLine(Object payload) {
		if (payload instanceof byte[] bytes) {
			return bytes;
		}
		if (payload instanceof String text) {
			return encode(text);
		}
		return this.converter.toLine(payload, getCharset());
	}

	/**
	 * Send an error handler's reply to a failed line: through the reply sink of the chunk
	 * being handled, in request order with the listener's replies; plainly if the channel
	 * has handled no chunk yet.
	 * @param reply the reply, as {@link #toLine} takes it (or a stage completing with
	 * one)
	 * @param line the line it answers
	 */
	void sendErrorReply(Object reply, byte[] line) {
		ReplySink sink = this.replySink;
		if (sink != null) {
			this.replies.submitErrorReply(reply, line, sink);
		}
		else {
			this.server.send(toLine(reply));
		}
	}

	/**
	 * Send a listener's reply through the sink the engine gave with its request line.
	 * @param reply the reply, as {@link #toLine} takes it
	 * @param replies the sink
	 */
	void sendReply(Object reply, ReplySink replies) {
		replies.send(toLine(reply));
	}

	/**
	 * @return the channel's engine
	 */
	PipeServer server() {
		return this.server;
	}

	@Override
	public String toString() {
		return "PipeChannel[" + this.name + ", " + getState() + "]";
	}

}
