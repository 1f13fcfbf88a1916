package io.pipeio.core;

import java.lang.reflect.Type;
import java.nio.charset.Charset;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import io.pipeio.converter.PipeMessageConverter;
import org.jspecify.annotations.Nullable;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.util.Assert;

/**
 * Sends lines to the channels of a {@link PipeChannelRegistry}, and requests whose answer
 * is the next line the other end writes. Thread-safe.
 *
 * @author pipe-io
 */
public class PipeTemplate implements PipeOperations, PipeRequestOperations {

	/**
	 * The timeout of the request methods that take none, for channels without a reply
	 * timeout of their own.
	 */
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
	 * Set the timeout of the request methods that take none, for channels without a reply
	 * timeout of their own ({@link PipeChannelSettings#replyTimeout()}).
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
		return sendAndReceive(channel, request, replyTimeout(channel));
	}

	@Override
	public String sendAndReceive(String channel, String request, Duration timeout) {
		Assert.notNull(request, "'request' must not be null");
		PipeChannel target = this.registry.getRequiredChannel(channel);
		return request(target, target.encode(request), timeout).await(text(target));
	}

	@Override
	public byte[] sendAndReceive(String channel, byte[] request) {
		return sendAndReceive(channel, request, replyTimeout(channel));
	}

	@Override
	public byte[] sendAndReceive(String channel, byte[] request, Duration timeout) {
		Assert.notNull(request, "'request' must not be null");
		return request(this.registry.getRequiredChannel(channel), request, timeout).await(Function.identity());
	}

	@Override
	public <T> T convertSendAndReceive(String channel, Object request, Class<T> replyType) {
		return convertSendAndReceive(channel, request, replyType, replyTimeout(channel));
	}

	@Override
	public <T> T convertSendAndReceive(String channel, Object request, Class<T> replyType, Duration timeout) {
		Assert.notNull(request, "'request' must not be null");
		Assert.notNull(replyType, "'replyType' must not be null");
		PipeChannel target = this.registry.getRequiredChannel(channel);
		Function<byte[], T> convert = answerConverter(target, replyType);
		return request(target, target.toLine(request), timeout).await(convert);
	}

	@Override
	public <T> T convertSendAndReceive(String channel, Object request, ParameterizedTypeReference<T> replyType) {
		return convertSendAndReceive(channel, request, replyType, replyTimeout(channel));
	}

	@Override
	public <T> T convertSendAndReceive(String channel, Object request, ParameterizedTypeReference<T> replyType,
			Duration timeout) {
		Assert.notNull(request, "'request' must not be null");
		Assert.notNull(replyType, "'replyType' must not be null");
		PipeChannel target = this.registry.getRequiredChannel(channel);
		Function<byte[], T> convert = answerConverter(target, replyType.getType());
		return request(target, target.toLine(request), timeout).await(convert);
	}

	@Override
	public CompletableFuture<String> sendAndReceiveAsync(String channel, String request) {
		return sendAndReceiveAsync(channel, request, replyTimeout(channel));
	}

	@Override
	public CompletableFuture<String> sendAndReceiveAsync(String channel, String request, Duration timeout) {
		Assert.notNull(request, "'request' must not be null");
		PipeChannel target = this.registry.getRequiredChannel(channel);
		return request(target, target.encode(request), timeout).answer(text(target));
	}

	@Override
	public CompletableFuture<byte[]> sendAndReceiveAsync(String channel, byte[] request) {
		return sendAndReceiveAsync(channel, request, replyTimeout(channel));
	}

	@Override
	public CompletableFuture<byte[]> sendAndReceiveAsync(String channel, byte[] request, Duration timeout) {
		Assert.notNull(request, "'request' must not be null");
		return request(this.registry.getRequiredChannel(channel), request, timeout).answer(Function.identity());
	}

	/**
	 * The timeout of a request given none: the channel's own, else the template's
	 * default.
	 */
	private Duration replyTimeout(String channel) {
		Duration own = this.registry.getRequiredChannel(channel).getSettings().replyTimeout();
		return (own != null) ? own : this.defaultReplyTimeout;
	}

	/**
	 * Converts answers to the type a caller asked for; a converter that fails fails the
	 * request (outcome {@code error}).
	 */
	private <T> Function<byte[], T> answerConverter(PipeChannel target, Class<T> replyType) {
		Function<byte[], ?> convert = answerConverter(target, (Type) replyType);
		return (answer) -> replyType.cast(convert.apply(answer));
	}

	/**
	 * @param replyType a class or a generic type: the caller vouches that what converts
	 * to it is a {@code T}
	 */
	@SuppressWarnings("unchecked")
	private <T> Function<byte[], T> answerConverter(PipeChannel target, Type replyType) {
		if (replyType == byte[].class) {
			return (answer) -> (T) answer;
		}
		if (replyType == String.class) {
			Function<byte[], String> text = text(target);
			return (answer) -> (T) text.apply(answer);
		}
		PipeMessageConverter replyConverter = this.converter;
		Assert.state(replyConverter != null,
				"No PipeMessageConverter to convert answers to " + replyType.getTypeName());
		return (answer) -> (T) replyConverter.fromLine(answer, 0, answer.length, replyType, target.getCharset());
	}

	/** Decodes answers strictly, as listeners' lines are: a malformed one fails. */
	private static Function<byte[], String> text(PipeChannel target) {
		return (answer) -> LineEncoding.decode(answer, target.getCharset(), target.getName());
	}

	private PipeRequest request(PipeChannel target, byte[] line, Duration timeout) {
		Assert.isTrue(timeout != null && !timeout.isNegative() && !timeout.isZero(), "'timeout' must be positive");
		return new PipeRequest(target, line, timeout, this.requestObserver);
	}

}
