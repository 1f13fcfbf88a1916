/**
 * Actuator health, Micrometer metrics and observations, and the {@code pipeio} actuator
 * endpoint. Each piece is optional and configured only when its library is on the
 * classpath.
 */
@NullMarked
package io.pipeio.actuate;

import org.jspecify.annotations.NullMarked;
