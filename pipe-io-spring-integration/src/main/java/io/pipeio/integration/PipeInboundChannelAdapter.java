package io.pipeio.integration;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.util.Arrays;

import io.pipeio.converter.PipeMessageConversionException;
import io.pipeio.core.BufferedPipeMessageListener;
import io.pipeio.core.PipeChannel;
import io.pipeio.core.PipeChannelContext;
import io.pipeio.core.PipeChannelRegistry;
import io.pipeio.core.PipeErrorHandler;
import io.pipeio.core.PipeListenerEndpoint;
import io.pipeio.core.PipeMessageListener;
import io.pipeio.server.PipeSendException;
import org.jspecify.annotations.Nullable;

import org.springframework.integration.endpoint.MessageProducerSupport;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.MessagingException;
import org.springframework.util.Assert;

/**
 * Sends each line of a pipe-io channel as a message: a {@code String} decoded with the
 * channel charset (the default) or the line's {@code byte[]}, with the headers
 * {@link PipeIoHeaders#CHANNEL} and {@link PipeIoHeaders#RECEIVED_AT}.
 * <p>
 * The adapter is the channel's listener, attached when it is initialized: a channel has
 * either a {@code @PipeListener} or an adapter, and a second one fails startup naming
 * both.
 * <p>
 * Messages are sent on the channel's reader thread, one line after the other, so the
 * order of the pipe is the order of the flow. That is also the back-pressure: while the
 * flow blocks (a full queue channel, a slow handler), the channel reads no further and
 * the lines wait in the pipe, then in the writers' {@code write(2)}; nothing is lost (a
 * send into a full queue channel waits only for Spring Integration's send timeout, 30 s
 * by default, see {@code docs/bridging.md}). A line the flow fails on (with no
 * {@linkplain #setErrorChannel error channel}, or when sending to it fails too) goes to
 * the channel's {@link PipeErrorHandler} and is counted as dropped, reason
 * {@code handler-error}, like a failing {@code @PipeListener}. An answer the flow sends
 * on this same channel that its full send queue refuses ({@code overflow=fail}) is a lost
 * reply, not a failed line, also with an error channel: counted once ({@code queue-full})
 * and given to the error handler, as a {@code @PipeListener}'s refused reply. While the
 * adapter is stopped, the channel is paused: the lines stay in the pipe until it starts
 * again, also when an operator resumes the channel meanwhile.
 *
 * @author pipe-io
 */
public class PipeInboundChannelAdapter extends MessageProducerSupport {

	private final PipeChannelRegistry registry;

	private final String channel;

	/** What the adapter registered with, and detaches by. */
	private final Endpoint endpoint = new Endpoint();

	private boolean binary;

	private @Nullable PipeErrorHandler errorHandler;

	private volatile @Nullable PipeChannel attached;

	private volatile boolean pausedByAdapter;

	/**
	 * Guards {@link #started} and {@link #destroyed}: a line read before the adapter
	 * started (the channel may deliver once the listener is attached, before the flow
	 * behind the adapter is wired) waits for the start instead of going into a flow that
	 * cannot take it.
	 */
	private final Object startMonitor = new Object();

	private boolean started;

	private boolean destroyed;

	/** The reader thread while it sends a line into the flow; guarded by startMonitor. */
	private @Nullable Thread sending;

	/**
	 * Whether {@link #sending} was interrupted because the channel stopped while the
	 * adapter was stopped; guarded by startMonitor.
	 */
	private boolean interruptedForStop;

	/**
	 * The reader thread while {@link #sendMessage} has a line's message in the flow: what
	 * the flow fails with comes back there before it may go to the error channel. One
	 * field, not a thread-local: a channel hands its listener one line at a time.
	 */
	private volatile @Nullable Thread routingFailures;

	/**
	 * Create an adapter.
	 * @param registry the channels
	 * @param channel the name of the channel whose lines to send
	 */
	public PipeInboundChannelAdapter(PipeChannelRegistry registry, String channel) {
		Assert.notNull(registry, "'registry' must not be null");
		Assert.hasText(channel, "'channel' must not be empty");
		this.registry = registry;
		this.channel = channel;
	}

	/**
	 * Set the payload type of the messages.
	 * @param payloadType {@code String.class} (the default: the line decoded with the
	 * channel charset) or {@code byte[].class} (the line as it is)
	 */
	public void setPayloadType(Class<?> payloadType) {
		Assert.isTrue(payloadType == String.class || payloadType == byte[].class,
				() -> "'payloadType' must be String or byte[], not " + payloadType.getName()
						+ "; convert further in the flow, such as with Transformers.fromJson()");
		this.binary = (payloadType == byte[].class);
	}

	/**
	 * Set the handler of the lines the flow fails on.
	 * @param errorHandler the handler, or {@code null} for the channel's default
	 */
	public void setPipeErrorHandler(@Nullable PipeErrorHandler errorHandler) {
		this.errorHandler = errorHandler;
	}

	/**
	 * @return the name of the channel whose lines this adapter sends
	 */
	public String getChannel() {
		return this.channel;
	}

	@Override
	public String getComponentType() {
		return "pipeio:inbound-channel-adapter";
	}

	@Override
	protected void onInit() {
		super.onInit();
		// Attached here, not on start, so that a second consumer of the channel fails
		// startup. It finds the channel paused, before a line can be taken from the pipe
		// for it; starting it resumes the channel. Also when it starts with the
		// application: a flow registered at runtime may be told not to start, which the
		// adapter does not see, and a line taken for it would be lost if it were removed
		// unstarted.
		this.pausedByAdapter = true;
		try {
			this.attached = this.registry.registerListener(this.endpoint);
		}
		catch (RuntimeException ex) {
			// Spring Integration keeps what a flow registered at runtime registered
			// before this one (its output channel, unless the DSL spec put the adapter
			// first): a retry under the same id would fail on it.
			FailedFlowRegistration.undo(getBeanFactory(), getBeanName());
			throw ex;
		}
	}

	@Override
	protected void doStart() {
		synchronized (this.startMonitor) {
			this.started = true;
			this.startMonitor.notifyAll();
		}
		PipeChannel attachedChannel = this.attached;
		if (attachedChannel != null && this.pausedByAdapter) {
			this.pausedByAdapter = false;
			attachedChannel.resume();
		}
	}

	@Override
	protected void doStop() {
		super.doStop();
		Thread blocked;
		synchronized (this.startMonitor) {
			this.started = false;
			blocked = this.sending;
		}
		PipeChannel attachedChannel = this.attached;
		// On shutdown the channels stop first (their phase is later); a stopped channel
		// needs no pause.
		if (attachedChannel != null && attachedChannel.isRunning()) {
			pause(attachedChannel);
		}
		if (blocked != null) {
			watchBlockedSend(blocked);
		}
	}

	/**
	 * A line sent while the adapter ran may still be blocked in the flow it stopped (a
	 * full queue whose poller stopped too). It may wait for the start, as the lines in
	 * hand do, unless the channel stops meanwhile: then waiting would hold up the
	 * channel's stop, so the send is interrupted and the line dropped as
	 * {@code handler-error}.
	 */
	private void watchBlockedSend(Thread blocked) {
		Thread watch = new Thread(() -> {
			synchronized (this.startMonitor) {
				try {
					while (this.sending == blocked && !this.started && !this.destroyed) {
						PipeChannel attachedChannel = this.attached;
						if (attachedChannel != null && !attachedChannel.isRunning()) {
							this.interruptedForStop = true;
							blocked.interrupt();
							return;
						}
						// Looked at now and then: a channel's stop does not wake this.
						this.startMonitor.wait(100);
					}
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
		}, "pipe-io-adapter-" + this.channel + "-stopped");
		watch.setDaemon(true);
		watch.start();
	}

	/**
	 * Detach from the channel, so that a flow removed at runtime lets another consumer
	 * attach; the channel holds its lines in the pipe meanwhile.
	 */
	@Override
	public void destroy() {
		super.destroy();
		synchronized (this.startMonitor) {
			this.destroyed = true;
			this.startMonitor.notifyAll();
			Thread blocked = this.sending;
			if (blocked != null) {
				// Blocked in the flow just removed (a full queue whose poller stopped):
				// the line fails, and the channel is free for the next flow.
				blocked.interrupt();
			}
		}
		PipeChannel attachedChannel = this.attached;
		this.attached = null;
		if (attachedChannel != null) {
			// By endpoint, not by name: the channel may have been unregistered and
			// registered again for another flow, whose listener stays.
			this.registry.unregisterListener(this.endpoint);
		}
	}

	private void pause(PipeChannel attachedChannel) {
		if (!attachedChannel.isPaused()) {
			this.pausedByAdapter = true;
			attachedChannel.pause();
		}
	}

	/**
	 * Wait until the adapter runs: on the channel's reader thread, so the lines behind
	 * wait in the pipe meanwhile, as while the channel is paused.
	 */
	private void awaitStarted() throws InterruptedException {
		synchronized (this.startMonitor) {
			while (!this.started) {
				if (this.destroyed) {
					throw new IllegalStateException(this + " was removed (its flow destroyed) while stopped");
				}
				PipeChannel attachedChannel = this.attached;
				if (attachedChannel != null && !attachedChannel.isRunning()) {
					// The channel stops (a shutdown, or a stop by name) while the adapter
					// is stopped: waiting would hold up its stop, line after line.
					throw new IllegalStateException(this + " is stopped, and channel '" + this.channel + "' stops too");
				}
				// Looked at again now and then: a channel's stop does not wake this.
				this.startMonitor.wait(100);
			}
		}
	}

	private void send(Object payload) throws InterruptedException {
		awaitStarted();
		Message<?> message = getMessageBuilderFactory().withPayload(payload)
			.setHeader(PipeIoHeaders.CHANNEL, this.channel)
			.setHeader(PipeIoHeaders.RECEIVED_AT, System.currentTimeMillis())
			.build();
		synchronized (this.startMonitor) {
			if (this.destroyed) {
				throw new IllegalStateException(this + " was destroyed");
			}
			this.sending = Thread.currentThread();
		}
		try {
			sendMessage(message);
		}
		finally {
			synchronized (this.startMonitor) {
				this.sending = null;
				if (this.destroyed || this.interruptedForStop) {
					// what destroy() or the stop interrupted is done: not the engine's
					// to see
					this.interruptedForStop = false;
					Thread.interrupted();
				}
			}
		}
	}

	/**
	 * Send a line's message into the flow, and route what the flow fails with: to the
	 * error channel, if there is one, except an answer this channel refused, which goes
	 * back to the channel.
	 */
	@Override
	protected void sendMessage(@Nullable Message<?> message) {
		this.routingFailures = Thread.currentThread();
		try {
			super.sendMessage(message);
		}
		catch (RuntimeException ex) {
			this.routingFailures = null;
			// An answer the flow sent on this channel that its full send queue refused
			// (overflow=fail) is a lost reply, counted when it was refused (queue-full):
			// the channel hands it to the error handler with the line it answered, as a
			// @PipeListener's refused reply. The error channel is no place for it: a flow
			// there would report, count or retry it a second time.
			if (PipeSendException.findCountedRefusal(ex, this.channel) != null
					|| !sendErrorMessageIfNecessary(message, ex)) {
				throw flowFailure(ex);
			}
		}
		finally {
			this.routingFailures = null;
		}
	}

	/**
	 * What the flow failed with, without the {@link MessagingException} layers Spring
	 * Integration wraps it in ("error occurred in message handler [...]"): the error
	 * handler, the dead letter, the log and the channel's last error then show the flow's
	 * own exception, as they show a {@code @PipeListener}'s. A layer without a cause (no
	 * subscriber, a send that timed out) is the failure itself; a checked cause stays
	 * wrapped, as the listener contract throws none.
	 */
	static RuntimeException flowFailure(RuntimeException ex) {
		RuntimeException failure = ex;
		while (failure instanceof MessagingException messaging
				&& messaging.getCause() instanceof RuntimeException cause) {
			failure = cause;
		}
		return failure;
	}

	/**
	 * Return the error channel; none to the reader thread while {@link #sendMessage} has
	 * a line's message in the flow, so that the failure comes back to it.
	 */
	@Override
	public @Nullable MessageChannel getErrorChannel() {
		return (this.routingFailures == Thread.currentThread()) ? null : super.getErrorChannel();
	}

	@Override
	public String toString() {
		return "PipeInboundChannelAdapter[" + getComponentName() + ", channel '" + this.channel + "']";
	}

	/** Describes this adapter to the registry as the channel's listener. */
	private final class Endpoint implements PipeListenerEndpoint {

		@Override
		public String getChannel() {
			return PipeInboundChannelAdapter.this.channel;
		}

		@Override
		public String getDescription() {
			return "Spring Integration adapter '" + getComponentName() + "'";
		}

		@Override
		public @Nullable PipeErrorHandler getErrorHandler() {
			return PipeInboundChannelAdapter.this.errorHandler;
		}

		@Override
		public PipeMessageListener createListener(PipeChannelContext context) {
			return new LineListener();
		}

		@Override
		public boolean isPausedOnAttach() {
			return true;
		}

		/**
		 * Not while the adapter is stopped: an operator's resume then leaves the lines in
		 * the pipe, and the adapter's start resumes the channel.
		 */
		@Override
		public boolean isAcceptingLines() {
			synchronized (PipeInboundChannelAdapter.this.startMonitor) {
				return PipeInboundChannelAdapter.this.started;
			}
		}

	}

	/**
	 * Reads the line from the reader's buffer: a text line is decoded once, with no copy
	 * first.
	 */
	private final class LineListener implements BufferedPipeMessageListener {

		@Override
		public @Nullable Object onMessage(byte[] buffer, int offset, int length, PipeChannelContext context)
				throws InterruptedException {
			send(PipeInboundChannelAdapter.this.binary ? Arrays.copyOfRange(buffer, offset, offset + length)
					: decode(buffer, offset, length, context));
			return null;
		}

		@Override
		public @Nullable Object onMessage(byte[] line, PipeChannelContext context) throws InterruptedException {
			// The line is in an array of its own, which the listener owns: no copy.
			send(PipeInboundChannelAdapter.this.binary ? line : decode(line, 0, line.length, context));
			return null;
		}

		/**
		 * Decode strictly, as a {@code String} parameter of a listener is: a line that is
		 * not valid in the channel's charset is dropped as {@code malformed} (counted,
		 * never retried) rather than forwarded with replacement characters.
		 */
		private String decode(byte[] buffer, int offset, int length, PipeChannelContext context) {
			try {
				return context.getCharset()
					.newDecoder()
					.onMalformedInput(CodingErrorAction.REPORT)
					.onUnmappableCharacter(CodingErrorAction.REPORT)
					.decode(ByteBuffer.wrap(buffer, offset, length))
					.toString();
			}
			catch (CharacterCodingException ex) {
				throw new PipeMessageConversionException("A line of channel '" + context.getName() + "' is not valid "
						+ context.getCharset() + " text: " + ex.getMessage(), ex);
			}
		}

	}

}
