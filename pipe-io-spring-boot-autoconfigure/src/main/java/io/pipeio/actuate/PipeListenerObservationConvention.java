package io.pipeio.actuate;

import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and tags the {@code pipeio.listener} observation: low-cardinality keys
 * {@code channel}, {@code outcome} ({@code success}/{@code error}) and {@code exception}.
 * Define a bean of this type to change them.
 *
 * @author pipe-io
 */
public class PipeListenerObservationConvention implements ObservationConvention<PipeListenerObservationContext> {

	/** The observation (and timer) name. */
	public static final String NAME = "pipeio.listener";

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(PipeListenerObservationContext context) {
		return context.getChannel() + " receive";
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(PipeListenerObservationContext context) {
		Throwable error = context.getError();
		return KeyValues.of("channel", context.getChannel(), "outcome", (error != null) ? "error" : "success",
				"exception", (error != null) ? error.getClass().getSimpleName() : "none");
	}

	@Override
	public boolean supportsContext(Observation.Context context) {
		return context instanceof PipeListenerObservationContext;
	}

}
