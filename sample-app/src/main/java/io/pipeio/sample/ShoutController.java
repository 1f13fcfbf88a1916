package io.pipeio.sample;

import java.time.Duration;

import io.pipeio.core.PipeRequestOperations;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /shout?text=hello} answers {@code HELLO!}: a request to the {@code shout}
 * plug-in (a bash script pipe-io starts and supervises), answered by the next line it
 * writes.
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
		return this.requests.sendAndReceive("shout", text, Duration.ofSeconds(10));
	}

}
