import ArgumentParser
import StatKit
import LayoffKit
import LayoffReport

LayoffsCommand.main()
