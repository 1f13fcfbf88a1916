package io.pipeio.testsupport;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;

/**
 * A filter that renames pipe-io's meters, as an application that prefixes all its meters
 * does: {@code pipeio.messages.received} becomes {@code app.pipeio.messages.received}.
 */
public final class PrefixingMeterFilter implements MeterFilter {

	@Override
	public Meter.Id map(Meter.Id id) {
		return id.getName().startsWith("pipeio.") ? id.withName("app." + id.getName()) : id;
	}

}
