/** Implementation details shared by holdfast modules. Not an API: may change in any release. */
package io.holdfast.lock.internal;
