package io.pipeio.autoconfigure;

import io.pipeio.server.PipeFileException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a startup failure caused by a pipe path that cannot be used.
 *
 * @author pipe-io
 */
class PipeFileFailureAnalyzer extends AbstractFailureAnalyzer<PipeFileException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, PipeFileException cause) {
		return new FailureAnalysis(cause.getMessage(),
				"Remove or rename what is at " + cause.getPath() + " (pipe-io never deletes a file it did not"
						+ " create), or point the channel's pipe-io.channels.<name>.in-pipe / out-pipe elsewhere.",
				cause);
	}

}
