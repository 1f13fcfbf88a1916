/**
 * Auto-configuration of pipe-io channels from {@code pipe-io.*} properties.
 */
@NullMarked
package io.pipeio.autoconfigure;

import org.jspecify.annotations.NullMarked;
