/**
 * The {@link io.pipeio.annotation.PipeListener @PipeListener} annotation and the bean
 * post-processor that registers annotated methods as channel listeners.
 */
@NullMarked
package io.pipeio.annotation;

import org.jspecify.annotations.NullMarked;
