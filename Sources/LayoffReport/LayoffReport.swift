import StatKit
import LayoffKit
