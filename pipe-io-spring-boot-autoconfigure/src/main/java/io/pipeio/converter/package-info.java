/**
 * Conversion between lines and objects: JSON through Jackson 3 when it is on the
 * classpath.
 */
@NullMarked
package io.pipeio.converter;

import org.jspecify.annotations.NullMarked;
