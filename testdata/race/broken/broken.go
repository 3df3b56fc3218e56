// Package broken does not compile: the patch renamed a function and missed a caller.
package broken

func Total(xs []int) int {
	return sumAll(xs)
}
