package io.pipeio.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;

/**
 * Explains keys under {@code pipe-io} that are no property. Ordered ahead of Spring
 * Boot's own analyzer of binding failures, whose advice ("Update your application's
 * configuration") would hide the list of valid keys.
 *
 * @author pipe-io
 */
class PipeIoPropertiesFailureAnalyzer extends AbstractFailureAnalyzer<UnknownPipeIoPropertyException>
		implements Ordered {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, UnknownPipeIoPropertyException cause) {
		StringBuilder description = new StringBuilder("Unknown pipe-io configuration keys:\n");
		cause.getProblems().forEach((problem) -> description.append("\n    - ").append(problem));
		return new FailureAnalysis(description.toString(),
				"Correct or remove each key above: pipe-io refuses keys it would ignore, so that a typo cannot"
						+ " leave a setting at its default unnoticed.",
				cause);
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}
