package io.pipeio.sample;

import java.math.BigDecimal;

/**
 * A reply of the {@code calc} channel, such as {@code {"result":3}}.
 *
 * @param result the result
 * @author pipe-io
 */
public record CalcResult(BigDecimal result) {
}
