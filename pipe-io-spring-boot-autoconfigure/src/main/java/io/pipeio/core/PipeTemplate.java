package io.pipeio.core;

import java.nio.charset.Charset;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.pipeio.converter.PipeMessageConverter;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Sends lines to the channels of a {@link PipeChannelRegistry}, and requests whose answer
 * is the next line the other end writes. Thread-safe.
 *
 * @author pipe-io
 */
public class PipeTemplate implements PipeOperations, PipeRequestOperations {

	/** The timeout of the request methods that take none. */
	public static final Duration DEFAULT_REPLY_TIMEOUT = Duration.ofSeconds(30);

	private final PipeChannelRegistry registry;

	private volatile Duration defaultReplyTimeout = DEFAULT_REPLY_TIMEOUT;

	private volatile @Nullable PipeRequestObserver requestObserver;

	private volatile @Nullable PipeMessageConverter converter;

	/**
	 * Create a template.
	 * @param registry the channels
	 */
	public PipeTemplate(PipeChannelRegistry registry) {
		Assert.notNull(registry, "'registry' must not be null");
		this.registry = registry;
	}

	@Override
	public void send(String channel, String line) {
		Assert.notNull(line, "'line' must not be null");
		this.registry.getRequiredChannel(channel).send(line);
	}

	@Override
	public void send(String channel, byte[] line) {
		Assert.notNull(line, "'line' must not be null");
		this.registry.getRequiredChannel(channel).send(line);
	}

	@Override
	public Charset getCharset(String channel) {
		return this.registry.getRequiredChannel(channel).getCharset();
	}

	@Override
	public void convertAndSend(String channel, Object payload) {
		Assert.notNull(payload, "'payload' must not be null");
		PipeChannel target = this.registry.getRequiredChannel(channel);
		target.send(target.toLine(payload));
	}

	@Override
	public CompletableFuture<Void> sendAsync(String channel, String line) {
		Assert.notNull(line, "'line' must not be null");
		PipeChannel target = this.registry.getRequiredChannel(channel);
		return target.sendAsync(target.encode(line));
	}

	@Override
	public CompletableFuture<Void> sendAsync(String channel, byte[] line) {
		Assert.notNull(line, "'line' must not be null");
		return this.registry.getRequiredChannel(channel).sendAsync(line);
	}

	/**
	 * Set the timeout of the request methods that take none.
	 * @param timeout the timeout, positive
	 */
	public void setDefaultReplyTimeout(Duration timeout) {
		Assert.isTrue(timeout != null && !timeout.isNegative() && !timeout.isZero(), "'timeout' must be positive");
		this.defaultReplyTimeout = timeout;
	}

	/**
	 * Set who is told of every finished request (the {@code pipeio.requests} timer).
	 * @param observer the observer, or {@code null}
	 */
	public void setRequestObserver(@Nullable PipeRequestObserver observer) {
		this.requestObserver = observer;
	}

	/**
	 * Set the converter of {@link #convertSendAndReceive} answers.
	 * @param converter the converter, or {@code null} for none (then only requests
	 * convert)
	 */
	public void setMessageConverter(@Nullable PipeMessageConverter converter) {
		this.converter = converter;
	}

	@Override
	public String sendAndReceive(String channel, String request) {
		return sendAndReceive(channel, request, this.defaultReplyTimeout);
	}

	@Override
	public String sendAndReceive(String channel, String request, Duration timeout) {
		Assert.notNull(request, "'request' must not be null");
		PipeChannel target = this.registry.getRequiredChannel(channel);
		return new String(await(request(target, target.encode(request), timeout)), target.getCharset());
	}

	@Override
	public byte[] sendAndReceive(String channel, byte[] request) {
		return sendAndReceive(channel, request, this.defaultReplyTimeout);
	}

	@Override
	public byte[] sendAndReceive(String channel, byte[] request, Duration timeout) {
		Assert.notNull(request, "'request' must not be null");
		return await(request(this.registry.getRequiredChannel(channel), request, timeout));
	}

	@Override
	public <T> T convertSendAndReceive(String channel, Object request, Class<T> replyType) {
		return convertSendAndReceive(channel, request, replyType, this.defaultReplyTimeout);
	}

	@Override
	public <T> T convertSendAndReceive(String channel, Object request, Class<T> replyType, Duration timeout) {
		Assert.notNull(request, "'request' must not be null");
		Assert.notNull(replyType, "'replyType' must not be null");
		PipeChannel target = this.registry.getRequiredChannel(channel);
		byte[] answer = await(request(target, target.toLine(request), timeout));
		if (replyType == byte[].class) {
			return replyType.cast(answer);
		}
		if (replyType == String.class) {
			return replyType.cast(new String(answer, target.getCharset()));
		}
		PipeMessageConverter replyConverter = this.converter;
		Assert.state(replyConverter != null, "No PipeMessageConverter to convert answers to " + replyType.getName());
		return replyType.cast(replyConverter.fromLine(answer, 0, answer.length, replyType, target.getCharset()));
	}

	@Override
	public CompletableFuture<String> sendAndReceiveAsync(String channel, String request, Duration timeout) {
		Assert.notNull(request, "'request' must not be null");
		PipeChannel target = this.registry.getRequiredChannel(channel);
		return request(target, target.encode(request), timeout).answer()
			.thenApply((answer) -> new String(answer, target.getCharset()));
	}

	@Override
	public CompletableFuture<byte[]> sendAndReceiveAsync(String channel, byte[] request, Duration timeout) {
		Assert.notNull(request, "'request' must not be null");
		return request(this.registry.getRequiredChannel(channel), request, timeout).answer();
	}

	private Request request(PipeChannel target, byte[] line, Duration timeout) {
		Assert.isTrue(timeout != null && !timeout.isNegative() && !timeout.isZero(), "'timeout' must be positive");
		long started = System.nanoTime();
		CompletableFuture<byte[]> answer;
		try {
			answer = target.request(line);
		}
		catch (RuntimeException ex) {
			observe(target.getName(), PipeRequestOutcome.ERROR, started);
			throw ex;
		}
		// The place stays in the channel's queue: a late answer is discarded there.
		// orTimeout drops its timer once the answer came, so a long timeout holds no
		// memory after the answer.
		answer.orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS);
		String channel = target.getName();
		return new Request(answer, timeout, answer.handle((value, failure) -> {
			PipeRequestOutcome outcome = outcome(failure);
			observe(channel, outcome, started);
			if (failure == null) {
				return value;
			}
			Throwable cause = unwrap(failure);
			if (outcome == PipeRequestOutcome.TIMEOUT && !(cause instanceof PipeRequestException)) {
				throw new PipeRequestException(channel, PipeRequestOutcome.TIMEOUT,
						"No answer on channel '" + channel + "' within " + timeout);
			}
			throw new CompletionException(cause);
		}));
	}

	private static Throwable unwrap(Throwable failure) {
		return (failure instanceof CompletionException wrapped && wrapped.getCause() != null) ? wrapped.getCause()
				: failure;
	}

	private static PipeRequestOutcome outcome(@Nullable Throwable failure) {
		if (failure == null) {
			return PipeRequestOutcome.SUCCESS;
		}
		Throwable cause = unwrap(failure);
		if (cause instanceof TimeoutException) {
			return PipeRequestOutcome.TIMEOUT;
		}
		return (cause instanceof PipeRequestException request) ? request.getOutcome() : PipeRequestOutcome.ERROR;
	}

	private void observe(String channel, PipeRequestOutcome outcome, long started) {
		PipeRequestObserver observer = this.requestObserver;
		if (observer != null) {
			observer.onRequestCompleted(channel, outcome, Duration.ofNanos(System.nanoTime() - started));
		}
	}

	private static byte[] await(Request request) {
		CompletableFuture<byte[]> answer = request.answer();
		try {
			try {
				return answer.get(request.timeout().toNanos(), TimeUnit.NANOSECONDS);
			}
			catch (TimeoutException ex) {
				// The timer behind orTimeout is the JVM's, shared with whatever else
				// times
				// out, and held up by a callback that blocks on it: time out here too.
				request.placed().completeExceptionally(ex);
				return answer.get();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for an answer", ex);
		}
		catch (ExecutionException ex) {
			Throwable cause = (ex.getCause() != null) ? unwrap(ex.getCause()) : ex;
			if (cause instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw new IllegalStateException(cause);
		}
	}

	/**
	 * A request on its way: the future of its place in the channel, and the answer the
	 * caller gets, which follows it.
	 */
	private record Request(CompletableFuture<byte[]> placed, Duration timeout, CompletableFuture<byte[]> answer) {
	}

}
