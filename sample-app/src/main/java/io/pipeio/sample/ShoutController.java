package io.pipeio.sample;

import io.pipeio.core.PipeRequestException;
import io.pipeio.core.PipeRequestOperations;
import io.pipeio.core.PipeRequestOutcome;
import io.pipeio.server.PipeSendException;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /shout?text=hello} answers {@code HELLO!}: a request to the {@code shout}
 * plug-in (a bash script pipe-io starts and supervises), answered by the next line it
 * writes. A plug-in that does not answer in time (the channel's
 * {@code pipe-io.channels.shout.reply-timeout}, 10 s) is a {@code 504 Gateway Timeout};
 * one that is restarting, or a channel that is stopped or cannot take the request, a
 * {@code 503 Service Unavailable}.
 *
 * @author pipe-io
 */
@RestController
public class ShoutController {

	private final PipeRequestOperations requests;

	public ShoutController(PipeRequestOperations requests) {
		this.requests = requests;
	}

	@GetMapping(path = "/shout", produces = MediaType.TEXT_PLAIN_VALUE)
	public String shout(@RequestParam String text) {
		return this.requests.sendAndReceive("shout", text);
	}

	/**
	 * No answer is the plug-in's doing, not this application's failing: a gateway's
	 * statuses say so, and the reason is in the body, without a stack trace in the log.
	 */
	@ExceptionHandler
	ResponseEntity<String> noAnswer(PipeRequestException ex) {
		HttpStatus status = (ex.getOutcome() == PipeRequestOutcome.TIMEOUT) ? HttpStatus.GATEWAY_TIMEOUT
				: HttpStatus.SERVICE_UNAVAILABLE;
		return plainText(status,
				"No answer from the shout plug-in (" + ex.getOutcome().tag() + "): " + ex.getMessage());
	}

	/**
	 * The request could not even be sent: the channel is stopped, or its queue is full.
	 */
	@ExceptionHandler
	ResponseEntity<String> notSent(PipeSendException ex) {
		return plainText(HttpStatus.SERVICE_UNAVAILABLE, "Cannot ask the shout plug-in: " + ex.getMessage());
	}

	private static ResponseEntity<String> plainText(HttpStatus status, String text) {
		return ResponseEntity.status(status).contentType(MediaType.TEXT_PLAIN).body(text + "\n");
	}

}
