/**
 * The Java DSL of the pipe-io adapters: {@link io.pipeio.integration.dsl.PipeIo} and its
 * specs, for {@code IntegrationFlow} definitions.
 */
@NullMarked
package io.pipeio.integration.dsl;

import org.jspecify.annotations.NullMarked;
