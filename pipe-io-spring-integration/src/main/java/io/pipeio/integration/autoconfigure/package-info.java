/**
 * Auto-configuration of the pipe-io Spring Integration adapters.
 */
@NullMarked
package io.pipeio.integration.autoconfigure;

import org.jspecify.annotations.NullMarked;
