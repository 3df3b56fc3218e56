// Package sleeper has a test that runs far longer than any budget: for the budget tests.
package sleeper

func Nothing() {}
