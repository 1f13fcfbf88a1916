package io.pipeio.core;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.springframework.core.ParameterizedTypeReference;

/**
 * Request/reply over a channel whose other end answers every line with one line, such as
 * a plug-in: the n-th line it writes answers the n-th request. Many threads may call at
 * once; each gets the answer to its own request. A request that times out keeps its
 * place, so its late answer is discarded. Lines that arrive while no request waits go to
 * the channel's listener (or are dropped, reason {@code no-listener}). The methods given
 * no timeout wait for the channel's own reply timeout
 * ({@link PipeChannelSettings#replyTimeout()}, property
 * {@code pipe-io.channels.<name>.reply-timeout}), else for the template's default
 * ({@code pipe-io.template.reply-timeout}, 30 seconds). Implemented by
 * {@link PipeTemplate}.
 *
 * @author pipe-io
 */
public interface PipeRequestOperations {

	/**
	 * Send a text line and wait for the answer for the channel's default timeout.
	 * @param channel the channel name
	 * @param request the line, without newline
	 * @return the answer line
	 * @throws PipeRequestException on timeout, plug-in restart or channel stop
	 * @throws io.pipeio.server.PipeSendException if the line could not be sent
	 * @throws io.pipeio.converter.PipeMessageConversionException if the answer is not
	 * valid in the channel's charset
	 */
	String sendAndReceive(String channel, String request);

	/**
	 * Send a text line and wait for the answer.
	 * @param channel the channel name
	 * @param request the line, without newline
	 * @param timeout how long to wait
	 * @return the answer line
	 * @throws PipeRequestException on timeout, plug-in restart or channel stop
	 * @throws io.pipeio.server.PipeSendException if the line could not be sent
	 * @throws io.pipeio.converter.PipeMessageConversionException if the answer is not
	 * valid in the channel's charset
	 */
	String sendAndReceive(String channel, String request, Duration timeout);

	/**
	 * Send a line of bytes and wait for the answer for the channel's default timeout.
	 * @param channel the channel name
	 * @param request the line, without newline
	 * @return the answer line
	 */
	byte[] sendAndReceive(String channel, byte[] request);

	/**
	 * Send a line of bytes and wait for the answer.
	 * @param channel the channel name
	 * @param request the line, without newline
	 * @param timeout how long to wait
	 * @return the answer line
	 * @throws PipeRequestException on timeout, plug-in restart or channel stop
	 * @throws io.pipeio.server.PipeSendException if the line could not be sent
	 */
	byte[] sendAndReceive(String channel, byte[] request, Duration timeout);

	/**
	 * Convert an object to a line (JSON by default), send it and convert the answer.
	 * @param <T> the answer type
	 * @param channel the channel name
	 * @param request the object
	 * @param replyType the type of the answer
	 * @return the answer
	 */
	<T> T convertSendAndReceive(String channel, Object request, Class<T> replyType);

	/**
	 * Convert an object to a line (JSON by default), send it and convert the answer.
	 * @param <T> the answer type
	 * @param channel the channel name
	 * @param request the object
	 * @param replyType the type of the answer
	 * @param timeout how long to wait
	 * @return the answer
	 * @throws PipeRequestException on timeout, plug-in restart or channel stop
	 * @throws io.pipeio.server.PipeSendException if the line could not be sent
	 * @throws io.pipeio.converter.PipeMessageConversionException if the answer cannot be
	 * converted
	 */
	<T> T convertSendAndReceive(String channel, Object request, Class<T> replyType, Duration timeout);

	/**
	 * Convert an object to a line (JSON by default), send it and convert the answer to a
	 * generic type, such as {@code new ParameterizedTypeReference<List<Size>>() {}}.
	 * @param <T> the answer type
	 * @param channel the channel name
	 * @param request the object
	 * @param replyType the type of the answer
	 * @return the answer
	 */
	<T> T convertSendAndReceive(String channel, Object request, ParameterizedTypeReference<T> replyType);

	/**
	 * Convert an object to a line (JSON by default), send it and convert the answer to a
	 * generic type, such as {@code new ParameterizedTypeReference<List<Size>>() {}}.
	 * @param <T> the answer type
	 * @param channel the channel name
	 * @param request the object
	 * @param replyType the type of the answer
	 * @param timeout how long to wait
	 * @return the answer
	 * @throws PipeRequestException on timeout, plug-in restart or channel stop
	 * @throws io.pipeio.server.PipeSendException if the line could not be sent
	 * @throws io.pipeio.converter.PipeMessageConversionException if the answer cannot be
	 * converted
	 */
	<T> T convertSendAndReceive(String channel, Object request, ParameterizedTypeReference<T> replyType,
			Duration timeout);

	/**
	 * Send a text line; the future completes with the answer, or fails after the
	 * channel's default timeout, as
	 * {@link #sendAndReceiveAsync(String, String, Duration)} says.
	 * @param channel the channel name
	 * @param request the line, without newline
	 * @return the answer to come
	 */
	CompletableFuture<String> sendAndReceiveAsync(String channel, String request);

	/**
	 * Send a text line; the future completes with the answer, or fails as
	 * {@link #sendAndReceive(String, String, Duration)} throws: with a
	 * {@link PipeRequestException} on timeout, plug-in restart or channel stop, a
	 * {@link io.pipeio.server.PipeSendException} if the line could not be sent (the
	 * channel is not running, or its full send queue refused the line), a
	 * {@link io.pipeio.converter.PipeMessageConversionException} if the answer is not
	 * valid in the channel's charset. This method throws only for invalid arguments.
	 * @param channel the channel name
	 * @param request the line, without newline
	 * @param timeout how long to wait for the answer
	 * @return the answer to come
	 */
	CompletableFuture<String> sendAndReceiveAsync(String channel, String request, Duration timeout);

	/**
	 * Send a line of bytes; the future completes with the answer, or fails after the
	 * channel's default timeout, as
	 * {@link #sendAndReceiveAsync(String, byte[], Duration)} says.
	 * @param channel the channel name
	 * @param request the line, without newline
	 * @return the answer to come
	 */
	CompletableFuture<byte[]> sendAndReceiveAsync(String channel, byte[] request);

	/**
	 * Send a line of bytes; the future completes with the answer, or fails as
	 * {@link #sendAndReceive(String, byte[], Duration)} throws: with a
	 * {@link PipeRequestException} or a {@link io.pipeio.server.PipeSendException}. This
	 * method throws only for invalid arguments.
	 * @param channel the channel name
	 * @param request the line, without newline
	 * @param timeout how long to wait for the answer
	 * @return the answer to come
	 */
	CompletableFuture<byte[]> sendAndReceiveAsync(String channel, byte[] request, Duration timeout);

}
