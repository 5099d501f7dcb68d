import ChatBundle
