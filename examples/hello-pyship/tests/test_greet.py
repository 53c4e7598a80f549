import unittest

from hello_pyship import greet


class GreetTest(unittest.TestCase):
    def test_greet(self):
        self.assertEqual(greet("pyship"), "Hello, pyship!")


if __name__ == "__main__":
    unittest.main()
