package io.pipeio.actuate;

import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.pipeio.core.PipeRequestOutcome;

/**
 * Names and tags the {@code pipeio.requests} observation: low-cardinality keys
 * {@code channel} and {@code outcome} (the values of the {@code pipeio.requests} timer's
 * tag, such as {@code success} or {@code timeout}). Define a bean of this type to change
 * them.
 *
 * @author pipe-io
 */
public class PipeRequestObservationConvention implements ObservationConvention<PipeRequestObservationContext> {

	/** The observation (and timer) name. */
	public static final String NAME = "pipeio.requests";

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(PipeRequestObservationContext context) {
		return context.getChannel() + " request";
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(PipeRequestObservationContext context) {
		PipeRequestOutcome outcome = context.getOutcome();
		return KeyValues.of("channel", context.getChannel(), "outcome", (outcome != null) ? outcome.tag() : "none");
	}

	@Override
	public boolean supportsContext(Observation.Context context) {
		return context instanceof PipeRequestObservationContext;
	}

}
